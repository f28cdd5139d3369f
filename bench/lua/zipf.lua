-- Scenario (b): walks a pre-generated, seeded Zipf sequence of lead paths (bench/zipf_paths.py),
-- starting at an offset so repeated runs do not replay the same prefix.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local i = tonumber(os.getenv("BENCH_OFFSET") or "0") % #paths
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
