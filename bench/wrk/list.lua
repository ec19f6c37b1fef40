-- GET /applications: an applicant, chosen at random, lists their applications (the first page).
local common = dofile("common.lua")

function init(args)
  common.load(args)
end

function request()
  local app = common.random_app()
  return wrk.format("GET", "/applications", {["Authorization"] = common.token(app.user)})
end
