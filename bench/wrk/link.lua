-- POST /public/rating-links/{token}/rating: each request rates another application of this
-- thread's slice through its rating link, without an account, as the link page sends it. Levels
-- in the proportions of rate.lua; a poor rating names an offline reason tag, as it must.
local common = dofile("common.lua")

function init(args)
  common.load(args)
end

local TAGS = {"service_efficiency", "service_quality", "service_attitude"}

local function body(n)
  local p = n % 100
  local level = p < 60 and 5 or p < 80 and 4 or p < 90 and 3 or p < 96 and 2 or 1
  if level <= 2 then
    return string.format('{"level":%d,"tags":["%s"],"dictionaryVersion":1,'
      .. '"comment":"窗口等候时间太长"}', level, TAGS[n % #TAGS + 1])
  elseif n % 3 == 0 then
    return string.format('{"level":%d,"tags":["%s"],"dictionaryVersion":1,"comment":"办理很快，点赞"}',
      level, TAGS[n % #TAGS + 1])
  end
  return string.format('{"level":%d}', level)
end

function request()
  local app = common.next_app()
  return wrk.format("POST", "/public/rating-links/" .. app.link .. "/rating", {
    ["Content-Type"] = "application/json",
  }, body(common.next))
end
