-- GET /api/patents/{id} with ids drawn at random from the file named by IDS (one id a line).
local ids = {}

function init(args)
  for line in io.lines(os.getenv("IDS")) do
    ids[#ids + 1] = line
  end
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", "/api/patents/" .. ids[math.random(#ids)])
end
