-- Print wrk's summary as one JSON line, so the harness does not parse wrk's text output.
-- With URLS set (space-separated paths), requests cycle through them (the mixed-load run).
local paths = {}
for p in string.gmatch(os.getenv("URLS") or "", "%S+") do table.insert(paths, p) end
local index = 0

if #paths > 0 then
  request = function()
    index = index % #paths + 1
    return wrk.format("GET", paths[index])
  end
end

done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
