-- wrk script: POST /api/v1/preview?width_px=1200 with a typical sign (10 Mongolian words,
-- 8 hanzi), or with the sign in the file named by SIGN (its background must be #8B1A1A).
-- With VARY=1 in the environment every request has another background colour (65,536 of
-- them), so the preview cache never answers; without it, identical requests may be served
-- from the cache. WIDTH sets width_px (default 1200).
--   VARY=1 wrk -t2 -c8 -d15s -s benches/load/preview.lua http://127.0.0.1:8080
--   SIGN=benches/load/sign.json VARY=1 wrk -t1 -c1 -d15s --latency -s benches/load/preview.lua URL
local vary = os.getenv("VARY") == "1"
local width = os.getenv("WIDTH") or "1200"
local counter = 0
local template = [[{"sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 2000,
  "arrangement": "horizontal", "material": "acrylic", "illuminated": true, "background": "#8B1A1A"},
  "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠰᠢᠭᠤ ᠤ ᠦᠨᠳᠦᠰᠦᠲᠡᠨ ᠦ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ ᠬᠣᠲᠠ ᠶᠢᠨ ᠬᠡᠰᠡᠭ ᠨᠡᠢᠲᠡ",
            "zh": "奈曼旗民族商贸城"}}]]
local sign_file = os.getenv("SIGN")
if sign_file then
  local f = assert(io.open(sign_file, "r"))
  template = f:read("*a")
  f:close()
end
assert(template:find("#8B1A1A", 1, true), "the sign's background must be #8B1A1A")
-- Each wrk thread counts from its own offset, so two threads never send the same colour.
local threads = 0
function setup(thread)
  thread:set("offset", threads * 30000)
  threads = threads + 1
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local path = "/api/v1/preview?width_px=" .. width
request = function()
  local colour = "8B0000"
  if vary then
    counter = counter + 1
    colour = string.format("8B%04X", (counter + (offset or 0)) % 65536)
  end
  local body = template:gsub("#8B1A1A", "#" .. colour, 1)
  return wrk.format(nil, path, nil, body)
end
