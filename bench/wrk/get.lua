-- GET /applications/{id}: an applicant opens one of their applications, chosen at random.
local common = dofile("common.lua")

function init(args)
  common.load(args)
end

function request()
  local app = common.random_app()
  return wrk.format("GET", "/applications/" .. app.id, {["Authorization"] = common.token(app.user)})
end
