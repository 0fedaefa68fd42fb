-- wrk script for benchmarks/request_path.py: GET requests as many citizens behind a proxy.
--
--   wrk -t2 -c32 -d5s --latency -s benchmarks/reads.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE holds one path a line (e.g. many /api/v1/bookings/<token>); requests go round
-- them, so a per-token rate limit is not hit by reading one booking thousands of times.
-- Every request carries its own X-Forwarded-For address (Khiw runs with TRUSTED_PROXIES=1,
-- as behind nginx), so the per-address limits count citizens, not the benchmark's one address.
-- done() prints "khiw-thread <id> sent=<n> 200=<n> 429=<n> ..." per thread, as book.lua does.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         table.insert(paths, line)
      end
   end
   sent = 0
   statuses = {}
   base = id * 4000000
end

function request()
   local n = base + sent
   local path = paths[(sent % #paths) + 1]
   sent = sent + 1
   local address = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
   return wrk.format("GET", path, {["X-Forwarded-For"] = address})
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
   for _, thread in ipairs(threads) do
      local line = string.format("khiw-thread %d sent=%d", thread:get("id"), thread:get("sent"))
      for status, count in pairs(thread:get("statuses")) do
         line = line .. string.format(" %s=%d", status, count)
      end
      print(line)
   end
end
