# Sourced. `free_port VAR` sets VAR to a loopback port nobody listens on (connect refused) and not handed out
# before by this shell (it runs in the caller's shell, not a $(subshell), so it remembers what it gave out).
# Ports come from 20000-31999, below Linux's ephemeral range, so outgoing connections don't take them.
_capstan_used_ports=" "
free_port() {
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    case "$_capstan_used_ports" in *" $p "*) continue;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      _capstan_used_ports="$_capstan_used_ports$p "; printf -v "$1" '%s' "$p"; return 0
    fi
  done
  echo "free_port: no free port found" >&2; return 1
}
