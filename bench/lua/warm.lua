-- Warms a cache for scenario (b): asks for each distinct lead in BENCH_PATHS in turn, then again.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local i = 0
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
