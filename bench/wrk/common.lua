-- Shared by the path scripts. Each wrk thread has its own Lua state: setup() numbers the threads
-- in the main state, init() loads the tokens and this thread's applications in the thread's state.
--
-- Script arguments (after --): data directory, first application and number of applications of
-- this run, number of threads (wrk calls init of one thread before setup of the next, so the
-- count cannot be learnt here), a name for this run. Thread t of T takes the t-th of T equal
-- slices, so no two requests of a run, in any thread or connection, get the same application
-- from next_app().

local common = {}

local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    out[#out + 1] = line
  end
  return out
end

-- tokens[u + 1] is the bearer token of bench-citizen-u; apps[i] = {id, user}
function common.load(args)
  local dir, first, count, thread_count = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  common.tokens = lines(dir .. "/tokens.txt")
  local slice = math.floor(count / thread_count)
  local from = first + thread_index * slice
  local to = from + slice - 1
  common.apps = {}
  local n = 0
  for line in io.lines(dir .. "/apps.txt") do
    if n >= from and n <= to then
      local id, user = line:match("^(%S+)%s+(%d+)$")
      common.apps[#common.apps + 1] = {id = id, user = tonumber(user)}
    end
    n = n + 1
  end
  -- links.txt, when the link path runs: line n is the rating link's token of application n
  local links = io.open(dir .. "/links.txt")
  if links ~= nil then
    n = 0
    for line in links:lines() do
      if n >= from and n <= to then
        common.apps[n - from + 1].link = line
      end
      n = n + 1
    end
    links:close()
  end
  common.next = 0
  common.run = args[5] or "run"
  math.randomseed(os.time() * 100 + thread_index)
end

-- the next application of this thread's slice, never one handed out before in this run
function common.next_app()
  common.next = common.next + 1
  local app = common.apps[common.next]
  if app == nil then
    -- the slice is used up: the application comes round again and the server answers 409
    -- already-rated, which the summary counts as an error
    app = common.apps[(common.next - 1) % #common.apps + 1]
  end
  return app
end

function common.random_app()
  return common.apps[math.random(#common.apps)]
end

function common.token(user)
  return "Bearer " .. common.tokens[user + 1]
end

-- One line the harness parses: counts, duration and latency percentiles in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d "
      .. "timeouts=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

return common
