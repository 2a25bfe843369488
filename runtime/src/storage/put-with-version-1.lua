--[[
  Versioned compare-and-set of one key-value entry, stored as a hash {v = value bytes, n = version}.

  KEYS[1]  the entry's hash key
  ARGV[1]  expected version (0 = the entry must be absent)
  ARGV[2]  'set' to write ARGV[3], 'del' to delete the entry
  ARGV[3]  the value bytes (only with 'set')

  Returns 1 when the stored version equalled ARGV[1] and the write happened, 0 otherwise (nothing written).
]]
local current = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if current ~= tonumber(ARGV[1]) then
  return 0
end
if ARGV[2] == 'del' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'v', ARGV[3], 'n', current + 1)
end
return 1
