-- wrk script: POST each line of a request list once (path, token, JSON body; tab-separated).
--
--   wrk -t2 -c8 -d15s -s bench/wrk_requests.lua http://127.0.0.1:8077 -- LIST MODE THREADS
--
-- MODE "submit": POST to the line's path (each line is a distinct (attempt, item) pair).
-- MODE "bare" / "bare-anon": the same token and body, POSTed to /bench/bare/ (/bench/bare-anon/).
-- Thread k of THREADS takes lines k, k+THREADS, ... so no two threads send the same pair.
-- The run lasts -d. A thread that runs out of lines repeats its last one (an idempotent
-- re-submit, answered 200) and the summary counts those as "repeats", so a too-short list
-- shows.
-- done() prints one JSON line starting with "RESULT ".

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

-- Globals of each thread (done() reads the counters with thread:get).
reqs = {}
n, i, created, ok200, other, repeats = 0, 0, 0, 0, 0, 0

function init(args)
  local list, mode, nthreads = args[1], args[2] or "submit", tonumber(args[3] or "1")
  local k = 0
  for line in io.lines(list) do
    if k % nthreads == id then
      local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      if mode == "bare" then path = "/bench/bare/" elseif mode == "bare-anon" then path = "/bench/bare-anon/" end
      local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Token " .. token }
      table.insert(reqs, wrk.format("POST", path, headers, body))
    end
    k = k + 1
  end
  n = #reqs
end

function request()
  i = i + 1
  if i > n then
    repeats = repeats + 1
    return reqs[n]
  end
  return reqs[i]
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 200 then ok200 = ok200 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o, x, r = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); o = o + t:get("ok200"); x = x + t:get("other"); r = r + t:get("repeats")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"mean_ms":%.2f,"created_201":%d,"ok_200":%d,"other_status":%d,"repeats":%d,' ..
    '"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, c, o, x, r,
    e.connect + e.read + e.write + e.timeout + e.status))
end
