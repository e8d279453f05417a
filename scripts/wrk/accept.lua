-- POST /api/offers/{declaration_id}/accept: each request takes the next "token declaration_id"
-- line of the file named by PAIRS (SMEs round-robin, every declaration once) and a fresh
-- Idempotency-Key. Counts the statuses; prints them as JSON at the end.
local pairs_ = {}
local next_ = 0
statuses = {}  -- a global: done() reads it with thread:get
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(os.getenv("PAIRS")) do
    local token, declaration = line:match("^(%S+)%s+(%S+)$")
    pairs_[#pairs_ + 1] = { token, declaration }
  end
end

function request()
  next_ = next_ + 1
  local pair = pairs_[((next_ - 1) % #pairs_) + 1]
  local headers = {
    ["Authorization"] = "Bearer " .. pair[1],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. next_ .. "-" .. pair[2],
  }
  return wrk.format("POST", "/api/offers/" .. pair[2] .. "/accept", headers, "{}")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local counts = {}
  for status, n in pairs(merged) do
    counts[#counts + 1] = string.format('"%d": %d', status, n)
  end
  io.write("STATUSES {" .. table.concat(counts, ", ") .. "}\n")
end
