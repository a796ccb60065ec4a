-- wrk script for bench/run: drives blackbox_exporter's /probe over the benchmark's targets,
-- a new target for every request, and counts the probes that succeeded.
-- Arguments: module, target count, first port, ports.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  module = args[1]
  count = tonumber(args[2])
  first_port = tonumber(args[3])
  ports = tonumber(args[4])
  n = id * 7919
  ok = 0
end

function request()
  n = n + 1
  local i = n % (count * ports)
  local a = (i % count) + 1
  local port = first_port + math.floor(i / count)
  local host = "198.18." .. math.floor(a / 256) .. "." .. (a % 256)
  local target
  if module == "icmp" then
    target = host
  elseif module == "http_2xx" then
    target = "http://" .. host .. ":" .. port .. "/"
  else
    target = host .. ":" .. port
  end
  return wrk.format("GET", "/probe?module=" .. module .. "&target=" .. target)
end

function response(status, headers, body)
  if status == 200 and body:find("probe_success 1", 1, true) then
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("ok")
  end
  io.write(string.format("BENCH_WRK %d %d %.3f %d\n", summary.requests, total,
    summary.duration / 1e6, summary.errors.timeout + summary.errors.connect))
end
