# shellcheck shell=bash
# Functions the service scripts share: each *.sh here sources this file first. It is not a service
# itself: .ci/run sources only the *.sh files, and this one is .bash.

# tandem_free_port: prints a TCP port of 127.0.0.1 that nothing listens on, outside the kernel's
# ephemeral range (32768-60999 on Linux), so that no outgoing connection holds it either.
tandem_free_port() {
    local port _
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
            echo "${port}"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# tandem_await_ready NAME PID SECONDS LOG CHECK [ARG...]: runs CHECK ARG... (its stderr discarded)
# every 0.1 s until it succeeds. Fails, after printing the last 30 lines of LOG, if process PID
# exits first or SECONDS pass.
tandem_await_ready() {
    local name=$1 pid=$2 timeout=$3 log=$4
    shift 4
    local deadline=$((SECONDS + timeout))
    until "$@" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$log" >&2
            echo "${name} exited before it was ready (log ${log})" >&2
            return 1
        fi
        if ((SECONDS > deadline)); then
            tail -n 30 "$log" >&2
            echo "${name} was not ready within ${timeout} s (log ${log})" >&2
            return 1
        fi
        sleep 0.1
    done
}
