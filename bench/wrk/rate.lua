-- POST /applications/{id}/ratings: each request rates another application of this thread's slice,
-- as its applicant, with a fresh Idempotency-Key and the applicant's device id, as the app sends
-- it. Levels in the proportions of the statistics benchmark (5: 60%, 4: 20%, 3: 10%, 2: 6%,
-- 1: 4%); a poor rating names a reason tag, as it must, and opens its rectification case.
local common = dofile("common.lua")

function init(args)
  common.load(args)
end

local TAGS = {"efficiency", "guide_accuracy", "convenience", "usability"}

local function body(n)
  local p = n % 100
  local level = p < 60 and 5 or p < 80 and 4 or p < 90 and 3 or p < 96 and 2 or 1
  if level <= 2 then
    return string.format('{"level":%d,"channel":"app","tags":["%s"],"dictionaryVersion":1,'
      .. '"comment":"窗口等候时间太长，网上提交后迟迟没有进度"}', level, TAGS[n % #TAGS + 1])
  elseif n % 3 == 0 then
    return string.format('{"level":%d,"channel":"app","tags":["%s"],"dictionaryVersion":1,"comment":"办理很快，点赞"}',
      level, TAGS[n % #TAGS + 1])
  end
  return string.format('{"level":%d,"channel":"app"}', level)
end

function request()
  local app = common.next_app()
  local n = common.next
  return wrk.format("POST", "/applications/" .. app.id .. "/ratings", {
    ["Authorization"] = common.token(app.user),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "rate-" .. common.run .. "-" .. thread_index .. "-" .. n,
    ["X-Device-Id"] = "device-" .. app.user,
  }, body(n))
end
