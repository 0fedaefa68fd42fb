-- wrk script for benchmarks/request_path.py: web bookings, a new person each request.
--
--   wrk -t2 -c32 -d10s --latency -s benchmarks/book.lua http://127.0.0.1:PORT/api/v1/bookings \
--       -- OFFICES DAY SLOTS [SERIAL_BASE]
--
-- OFFICES is one office code or a comma-separated list (benchmarks/scale.py: bookings across
-- many offices); SLOTS a comma-separated list of windows ("08:00,08:30,..."); requests go
-- round both.
-- wrk runs one Lua state per thread, so setup() numbers the threads and each thread takes
-- its own range of serials (thread id × 10^9 + n): no two requests share a national ID.
-- Every thread counts the statuses it got (and how many requests it sent); done() prints
-- one line per thread, "khiw-thread <id> sent=<n> 201=<n> 409:capacity_full=<n> ...",
-- which request_path.py parses. Each request carries its own X-Forwarded-For address (one
-- citizen, one address; Khiw runs with TRUSTED_PROXIES=1 as behind nginx), so the shipped
-- per-address rate limits count citizens, as in production. sent − answered = requests still in flight when wrk stopped,
-- plus one: wrk calls request() once in the first thread only to check the script
-- (that request is never sent, and its serial is simply skipped).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local function check_digit(first12)
   local total = 0
   for i = 1, 12 do
      total = total + tonumber(first12:sub(i, i)) * (14 - i)  -- weights 13 down to 2
   end
   return (11 - total % 11) % 10
end

local function national_id(serial)
   local first12 = string.format("1%011d", serial)
   return first12 .. check_digit(first12)
end

function init(args)
   offices = {}
   for code in string.gmatch(args[1], "[^,]+") do
      table.insert(offices, code)
   end
   day = args[2]
   slots = {}
   for slot in string.gmatch(args[3], "[^,]+") do
      table.insert(slots, slot)
   end
   base = tonumber(args[4] or "0") + id * 1000000000
   sent = 0
   statuses = {}
end

function request()
   local slot = slots[(sent % #slots) + 1]
   local body = string.format(
      '{"office": "%s", "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ", '
         .. '"national_id": "%s", "date": "%s", "slot": "%s"}',
      offices[(sent % #offices) + 1], national_id(base + sent), day, slot)
   local n = id * 4000000 + sent
   sent = sent + 1
   local headers = {
      ["Content-Type"] = "application/json",
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256),
   }
   return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
   local key = tostring(status)
   if status == 409 and body:find("capacity_full", 1, true) then
      key = "409:capacity_full"
   end
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
