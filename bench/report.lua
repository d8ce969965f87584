-- Print wrk's summary as one JSON line, so the harness does not parse wrk's text output.
-- With URLS set (space-separated paths), requests cycle through them (the mixed-load run).
-- With PER_SECOND=1, answers are also counted per wall-clock second (os.time), for the run that
-- edits content under load; only then is `response` defined, as it costs wrk some work.
local paths = {}
for p in string.gmatch(os.getenv("URLS") or "", "%S+") do table.insert(paths, p) end
local index = 0
local threads = {}
counts = {}  -- global: the harness reads each thread's copy with thread:get

setup = function(thread)
  table.insert(threads, thread)
end

if #paths > 0 then
  request = function()
    index = index % #paths + 1
    return wrk.format("GET", paths[index])
  end
end

if os.getenv("PER_SECOND") == "1" then
  response = function(status, headers, body)
    local second = os.time()
    counts[second] = (counts[second] or 0) + 1
  end
end

local function seconds_json()
  local merged = {}
  for _, thread in ipairs(threads) do
    for second, count in pairs(thread:get("counts") or {}) do
      merged[second] = (merged[second] or 0) + count
    end
  end
  local parts = {}
  for second, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', second, count))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"seconds": %s}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), seconds_json()))
end
