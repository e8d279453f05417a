-- GET /api/patents, 20 per page, browsing PAGES distinct pages deep and starting over. Follows
-- `next_cursor` when the response has one (keyset pagination); otherwise pages with offset.
--
-- All connections of the thread share one walk. When it starts over, the answers to the
-- requests already in flight (one per other connection, CONNECTIONS - 1) belong to the old walk:
-- they are counted but do not move the cursor, or the walk would drift ever deeper instead of
-- starting over.
local pages = tonumber(os.getenv("PAGES") or "50")
local stale_after_reset = tonumber(os.getenv("CONNECTIONS") or "16") - 1
local page = 0
local cursor = nil
local stale = 0

function request()
  local path = "/api/patents?limit=20"
  if cursor then
    path = path .. "&cursor=" .. cursor
  elseif page > 0 then
    path = path .. "&offset=" .. (page * 20)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if stale > 0 then
    stale = stale - 1
    return
  end
  local next_cursor = body and body:match('"next_cursor"%s*:%s*"([^"]+)"')
  local escaped = next_cursor and next_cursor:gsub("([^%w%-%._~])", function(c)
    return string.format("%%%02X", string.byte(c))
  end)
  if escaped ~= cursor then
    page = page + 1  -- the walk went one page deeper (other answers repeat a page)
  end
  if page >= pages or status ~= 200 then
    page, cursor, stale = 0, nil, stale_after_reset
  else
    cursor = escaped
  end
end
