# /vmmtest.d/net-xfer.sh — sourced by the test image's /init (guest/README.md) for the scenario "net-xfer".
# With eth0 configured by the kernel (ip=... on the command line), sends 1 288 895 bytes (seq 1 200000) to the
# peer's port 5001, then reads everything the peer's port 5002 sends until it closes, and reports the md5 of both:
#   VMMTEST: net-xfer ok <md5 sent> <md5 received>
# vmmtest_peer=<ipv4> (default 10.0.2.1). Processes (~0.5 s each under PVM): seq, tee, nc, nc, md5sum.
net_xfer() {
	local peer=${vmmtest_peer:-10.0.2.1}
	busybox seq 1 200000 | busybox tee /tmp/net-sent | busybox nc "$peer" 5001 >/dev/null \
		|| { fail net-xfer "sending to $peer:5001 failed"; return; }
	busybox nc "$peer" 5002 </dev/null >/tmp/net-got || { fail net-xfer "receiving from $peer:5002 failed"; return; }
	set -- $(busybox md5sum /tmp/net-sent /tmp/net-got)
	ok net-xfer "$1 $3"
}
net_xfer
