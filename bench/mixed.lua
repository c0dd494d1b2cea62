-- Keel's mixed workload: 70% plan and Today page reads, 20% check-in writes, 10% history reads.
-- An optional pause per request (KEEL_DELAY_MS) turns it into a fixed-rate run.
-- Without KEEL_TOKENS every request is the local user's (single-user mode); with it, a file of
-- personal API tokens (`keel seed --tokens`), each request acts as one of those users at random.
--
-- The requests are drawn at random once per thread, before the run, and sent in turn: building
-- each one as it is sent (dates, JSON, headers in Lua) cost wrk several times what a request to
-- the static route costs it, on the same two cores as the server.
local pool_size = tonumber(os.getenv("KEEL_POOL") or "16384")
local day = 86400
local delay_ms = tonumber(os.getenv("KEEL_DELAY_MS") or "0")
local tokens = {}
local token_file = os.getenv("KEEL_TOKENS")
if token_file and token_file ~= "" then
  for line in io.lines(token_file) do tokens[#tokens + 1] = "Bearer " .. line end
end

local function headers(h)
  h = h or {}
  if #tokens > 0 then h["Authorization"] = tokens[math.random(#tokens)] end
  return h
end

local function draw()
  local now = os.time()
  local today = os.date("%Y-%m-%d", now)
  local r = math.random(100)
  if r <= 35 then
    return wrk.format("GET", "/api/v1/plan/" .. today, headers())
  elseif r <= 70 then
    return wrk.format("GET", "/", headers())
  elseif r <= 90 then
    local d = os.date("%Y-%m-%d", now - math.random(0, 364) * day)
    local body = string.format('{"date":"%s","pain":%d,"sleep":6,"energy":6,"walking_minutes":20}', d, math.random(0, 10))
    return wrk.format("POST", "/api/v1/checkins", headers({ ["Content-Type"] = "application/json" }), body)
  else
    local from = os.date("%Y-%m-%d", now - 30 * day)
    return wrk.format("GET", "/api/v1/checkins?from=" .. from .. "&to=" .. today, headers())
  end
end

local pool = {}
local next_request = 0
local threads = 0

-- Each thread its own seed (a global in its own Lua state), so the threads draw different requests.
setup = function(thread)
  threads = threads + 1
  thread:set("seed", 41 + threads)
end

init = function(args)
  math.randomseed(seed or 42)
  for i = 1, pool_size do pool[i] = draw() end
end

request = function()
  next_request = next_request % pool_size + 1
  return pool[next_request]
end

if delay_ms > 0 then
  delay = function() return delay_ms end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
