#!/bin/sh
# Remakes session.svg, the picture at the top of the README: a real ormsh session on a
# pseudo-terminal (tmux), typed key by key, captured with its colours (`capture-pane -e`) and
# drawn by ansi2svg.py. Needs tmux and python3.
#
#   docs/screenshot/make.sh            # builds ormsh (debug) and writes docs/screenshot/session.svg
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --quiet --manifest-path "$root/Cargo.toml" --bin ormsh
bin="$root/target/debug/ormsh"
work=$(mktemp -d)
session="ormsh-screenshot-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

"$bin" "sqlite:$work/shop.db" -f "$here/shop.orm"
# Its own HOME and config directory: no history or config of whoever runs this.
tmux new-session -d -s "$session" -x 100 -y 38 \
    "cd '$work' && env HOME='$work' XDG_DATA_HOME='$work/data' ORMSH_CONFIG_DIR='$work/config' TERM=xterm-256color '$bin' shop.db"

wait_for() { # the text, on the screen within five seconds
    for _ in $(seq 50); do
        tmux capture-pane -p -t "$session" | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    echo "make.sh: \"$1\" never showed up" >&2
    tmux capture-pane -p -t "$session" >&2
    exit 1
}
type_line() { # types a line as a person would, then Enter, and waits for the next prompt
    tmux send-keys -t "$session" -l "$1"
    sleep 0.3
    tmux send-keys -t "$session" Enter
    sleep 0.4
    wait_for "$2"
}

wait_for "shop.db>"
type_line 'query User where orders.total > 100' 'shop.db>'
type_line 'count Order by status' 'shop.db>'
type_line 'add User name=Dee email=ann@x.io country=DK' 'shop.db>'
type_line 'begin' 'shop.db [tx]>'
type_line 'update Order where status=open set total *= 1.1' 'shop.db [tx]>'
type_line 'rollback' 'ROLLBACK'
type_line 'sql select country, count(*) from users group by country' 'shop.db>'
# A line being typed: its colours, and Tab listing what may follow.
tmux send-keys -t "$session" -l 'query Order where user.'
sleep 0.3
tmux send-keys -t "$session" Tab
sleep 0.3
tmux send-keys -t "$session" Tab
sleep 0.6
tmux capture-pane -e -p -t "$session" > "$work/capture.ans"
python3 "$here/ansi2svg.py" "$work/capture.ans" --cols 100 --title "ormsh shop.db" > "$here/session.svg"
echo "wrote $here/session.svg"
