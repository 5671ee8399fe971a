// The Redis scripts of the release lease (release-lease.ts). A lease's value is "<mark><token> <worker> <holder>":
// the token proves ownership, the worker names the process whose liveness key (`capstan:{lease}:worker:<worker>`,
// kept alive by its heartbeat) says the holder is alive, the holder (host/pid, job) is there for messages, and
// the mark "?" says the lease is only claimed, not yet confirmed. All keys share the hash tag {lease}.

export const LEASE_PREFIX = 'capstan:{lease}:release:';
export const WORKER_PREFIX = 'capstan:{lease}:worker:';

// KEYS[1] lease, KEYS[2] the caller's liveness key; ARGV: value, lease ttl, liveness ttl, worker prefix.
// Takes the lease unless a live worker holds it (then answers its value); refreshes the caller's liveness.
export const ACQUIRE = `redis.call('set', KEYS[2], '1', 'PX', ARGV[3])
local v = redis.call('get', KEYS[1])
if v then
  local w = string.match(v, '^%??%S+ (%S+)')
  if w and redis.call('exists', ARGV[4] .. w) == 1 then return v end
end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

// KEYS[1] the caller's liveness key, KEYS[2..] its leases; ARGV[1] liveness ttl, ARGV[2] lease ttl, ARGV[3..] the
// values the caller holds them with. Re-creates the liveness key and each lease that vanished (Redis restarted or
// flushed), takes back a lease someone else only claims, never turns a confirmed lease back into a claim; answers
// the indexes (1-based) of the leases another holder has confirmed: those are lost.
export const CHECK = `redis.call('set', KEYS[1], '1', 'PX', ARGV[1])
local lost = {}
for i = 2, #KEYS do
  local want = ARGV[i + 1]
  local mine = string.match(want, '^%??(%S+ )')
  local v = redis.call('get', KEYS[i])
  if v and string.sub(v, 1, string.len(mine)) == mine then redis.call('pexpire', KEYS[i], ARGV[2])
  elseif v == false or string.sub(v, 1, 1) == '?' then redis.call('set', KEYS[i], want, 'PX', ARGV[2])
  else table.insert(lost, i - 1) end
end
return lost`;

// KEYS[1] lease; ARGV: token, the confirmed value, lease ttl. Confirms a claim still the caller's (1), else 0.
export const CONFIRM = `local v = redis.call('get', KEYS[1])
local mine = ARGV[1] .. ' '
if v and (string.sub(v, 1, string.len(mine)) == mine or string.sub(v, 1, string.len(mine) + 1) == '?' .. mine) then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;

// KEYS[1] lease; ARGV[1] token. Deletes the lease only when it is the caller's (claimed or confirmed).
export const RELEASE = `local v = redis.call('get', KEYS[1])
local mine = ARGV[1] .. ' '
if v and (string.sub(v, 1, string.len(mine)) == mine or string.sub(v, 1, string.len(mine) + 1) == '?' .. mine) then
  return redis.call('del', KEYS[1]) end
return 0`;
