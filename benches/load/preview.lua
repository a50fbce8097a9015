-- wrk script: POST /api/v1/preview?width_px=1200 with a typical sign (10 Mongolian words,
-- 8 hanzi). With VARY=1 in the environment every request has another background colour (65,536
-- of them), so the preview cache never answers; without it, identical requests may be served
-- from the cache.
--   VARY=1 wrk -t2 -c8 -d15s -s benches/load/preview.lua http://127.0.0.1:8080
local vary = os.getenv("VARY") == "1"
local counter = 0
local template = [[{"sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 2000,
  "arrangement": "horizontal", "material": "acrylic", "illuminated": true, "background": "#%s"},
  "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠰᠢᠭᠤ ᠤ ᠦᠨᠳᠦᠰᠦᠲᠡᠨ ᠦ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ ᠬᠣᠲᠠ ᠶᠢᠨ ᠬᠡᠰᠡᠭ ᠨᠡᠢᠲᠡ",
            "zh": "奈曼旗民族商贸城"}}]]
-- Each wrk thread counts from its own offset, so two threads never send the same colour.
local threads = 0
function setup(thread)
  thread:set("offset", threads * 30000)
  threads = threads + 1
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local colour = "8B0000"
  if vary then
    counter = counter + 1
    colour = string.format("8B%04X", (counter + (offset or 0)) % 65536)
  end
  return wrk.format(nil, "/api/v1/preview?width_px=1200", nil, string.format(template, colour))
end
