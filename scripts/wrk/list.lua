-- GET /api/patents, 20 per page, browsing PAGES pages deep and starting over. Follows
-- `next_cursor` when the response has one (keyset pagination); otherwise pages with offset.
local pages = tonumber(os.getenv("PAGES") or "50")
local page = 0
local cursor = nil

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
  page = page + 1
  local next_cursor = body and body:match('"next_cursor"%s*:%s*"([^"]+)"')
  if page >= pages or status ~= 200 then
    page, cursor = 0, nil
  elseif next_cursor then
    cursor = next_cursor:gsub("([^%w%-%._~])", function(c)
      return string.format("%%%02X", string.byte(c))
    end)
  else
    cursor = nil
  end
end
