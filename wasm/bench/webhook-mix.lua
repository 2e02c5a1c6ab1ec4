-- wrk script: valid AdmissionReviews mixed with hostile requests, for the example webhook.
--
-- Out of every 50 requests: 1 body one byte over the API server's 3 MiB limit (413), and of the
-- other 49, cycling: malformed JSON (400), JSON that is not an AdmissionReview (400), a review sent
-- as text/plain (415), and valid reviews (200) for the rest. Each thread counts what it sent and
-- the statuses it got back; `done` prints the totals as lines `sent <kind> <n>` and
-- `status <code> <n>`, which wasm/bench/webhook-abuse.mjs reads.
--
-- Before it connects, wrk calls `request()` once on its first thread to check that the script
-- makes a well-formed request, and discards that request: that call is not counted as sent (else
-- every run would report one request more than it sent).
--
-- Usage: wrk -s webhook-mix.lua https://127.0.0.1:PORT/validate -- REVIEW_FILE [INTERVAL_MS]
-- where REVIEW_FILE holds one valid AdmissionReview as JSON. Without INTERVAL_MS each connection
-- sends its next request as soon as the last is answered (wrk's closed loop, which keeps the
-- server saturated); with it, each connection waits that many milliseconds before each request,
-- which caps the load at connections × 1000 / INTERVAL_MS requests per second.

local requests = {}
local cycle = {}
local oversized_every = 50
local count = 0
sent = {}
statuses = {}

local function read_file(name)
  local file = assert(io.open(name, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local interval_ms = 0

function init(args)
  local review = read_file(args[1])
  interval_ms = tonumber(args[2] or "0") or 0
  local json = { ["Content-Type"] = "application/json" }
  local path = wrk.path
  requests.valid = wrk.format("POST", path, json, review)
  requests.malformed = wrk.format("POST", path, json, '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": ')
  requests.not_review = wrk.format("POST", path, json, '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}')
  requests.wrong_type = wrk.format("POST", path, { ["Content-Type"] = "text/plain" }, review)
  -- A review whose padding takes it one byte over 3 MiB.
  local over = 3 * 1024 * 1024 + 1
  local head = '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "pad": "'
  local tail = '"}'
  requests.oversized = wrk.format("POST", path, json, head .. string.rep("x", over - #head - #tail) .. tail)
  cycle = { "malformed", "valid", "valid", "not_review", "valid", "valid", "wrong_type", "valid", "valid", "valid" }
end

function request()
  if verification_pending then
    verification_pending = false
    return requests.valid
  end
  count = count + 1
  local kind
  if count % oversized_every == 0 then
    kind = "oversized"
  else
    kind = cycle[count % #cycle + 1]
  end
  sent[kind] = (sent[kind] or 0) + 1
  return requests[kind]
end

function delay()
  return interval_ms
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  -- setup runs in wrk's main script state; this sets a global in the thread's own state, which
  -- wrk then asks for the request it checks.
  if #threads == 1 then
    thread:set("verification_pending", true)
  end
end

function done(summary, latency, requests)
  local totals = { sent = {}, status = {} }
  for _, thread in ipairs(threads) do
    for kind, n in pairs(thread:get("sent")) do
      totals.sent[kind] = (totals.sent[kind] or 0) + n
    end
    for code, n in pairs(thread:get("statuses")) do
      totals.status[code] = (totals.status[code] or 0) + n
    end
  end
  for kind, n in pairs(totals.sent) do
    io.write(string.format("sent %s %d\n", kind, n))
  end
  for code, n in pairs(totals.status) do
    io.write(string.format("status %d %d\n", code, n))
  end
end
