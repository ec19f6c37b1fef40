-- POST /applications: a citizen starts an application (the draft, with its form filled in; no
-- uploads), with a fresh Idempotency-Key as the app sends it.
local common = dofile("common.lua")

function init(args)
  common.load(args)
end

local BODY = '{"itemCode":"RS-0003","form":{"reason":"lost","bankOutlet":"中国银行深圳福田支行"}}'
local sent = 0

function request()
  local app = common.random_app()
  sent = sent + 1
  return wrk.format("POST", "/applications", {
    ["Authorization"] = common.token(app.user),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "create-" .. common.run .. "-" .. thread_index .. "-" .. sent,
  }, BODY)
end
