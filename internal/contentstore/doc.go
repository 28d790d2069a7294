// Package contentstore loads images into the content and image stores of a
// Docker daemon's containerd, sending only the blobs containerd lacks.
//
// Docker Engine 29 keeps images in containerd (the containerd image store).
// Its POST /images/load reads and hashes every file of the archive, even
// blobs it holds, and reports a missing blob only as a line of text after
// tagging an unusable image. Talking to containerd itself instead gives an
// exact presence check per blob (content Info), writes with the digest and
// size verified by containerd, and an image record the daemon lists at once:
// its ID is the manifest's digest, and the daemon unpacks the layers into its
// snapshotter when a container is created.
//
// This needs access to containerd's socket (GET /info names it, as
// Containerd.Address): root on the daemon's host. Remote daemons, Docker
// Desktop and users outside root get ErrDenied or ErrUnavailable from Dial
// and load through the Docker API instead.
package contentstore
