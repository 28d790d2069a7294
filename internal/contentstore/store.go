package contentstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"syscall"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	imagesapi "github.com/containerd/containerd/api/services/images/v1"
	leasesapi "github.com/containerd/containerd/api/services/leases/v1"
	namespacesapi "github.com/containerd/containerd/api/services/namespaces/v1"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// ErrUnavailable is wrapped by every Dial error that means containerd could
// not be used at all: no socket, nothing answering, no permission, or not the
// namespace asked for. The caller can then load through the Docker API.
var ErrUnavailable = errors.New("containerd unavailable")

// ErrDenied is wrapped (with ErrUnavailable) when containerd's socket refused
// this user: it belongs to root.
var ErrDenied = errors.New("no access to containerd's socket")

// namespaceHeader is the gRPC metadata key containerd reads the namespace
// from (containerd's pkg/namespaces GRPCHeader).
const namespaceHeader = "containerd-namespace"

// maxMsgSize is the message size limit containerd's own client sets
// (defaults.DefaultMaxRecvMsgSize, DefaultMaxSendMsgSize).
const maxMsgSize = 16 << 20

// Store is one namespace of a containerd's content and image stores. Its
// methods may be called concurrently.
type Store struct {
	address   string
	namespace string
	conn      *grpc.ClientConn
	content   contentapi.ContentClient
	images    imagesapi.ImagesClient
	leases    leasesapi.LeasesClient
}

// Dial connects to the containerd at address (a socket path, with or without
// unix://) and checks that namespace exists there: the Docker daemon's
// containerd image store uses "moby". The caller closes the Store.
func Dial(ctx context.Context, address, namespace string) (*Store, error) {
	path := strings.TrimPrefix(address, "unix://")
	// gRPC dials lazily and reports dial errors as text; a plain dial first
	// keeps the cause (ENOENT, EACCES, ECONNREFUSED) for errors.Is.
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, explain(path, err)
	}
	c.Close()
	conn, err := grpc.NewClient("unix://"+path,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMsgSize), grpc.MaxCallSendMsgSize(maxMsgSize)))
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %w", ErrUnavailable, path, err)
	}
	s := &Store{
		address:   path,
		namespace: namespace,
		conn:      conn,
		content:   contentapi.NewContentClient(conn),
		images:    imagesapi.NewImagesClient(conn),
		leases:    leasesapi.NewLeasesClient(conn),
	}
	_, err = namespacesapi.NewNamespacesClient(conn).Get(s.withNamespace(ctx), &namespacesapi.GetNamespaceRequest{Name: namespace})
	if err != nil {
		conn.Close()
		err = errgrpc.ToNative(err)
		if errdefs.IsNotFound(err) {
			return nil, fmt.Errorf("%w at %s: it has no namespace %q; is this the Docker daemon's containerd (docker info: Containerd.Address), and has that daemon started?", ErrUnavailable, path, namespace)
		}
		return nil, fmt.Errorf("%w at %s: %w", ErrUnavailable, path, err)
	}
	return s, nil
}

// explain wraps a dial error of containerd's socket with the sentinels and
// a hint at the fix.
func explain(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w (%w) at %s: %w; only root may use it: run as root or load through the Docker API", ErrUnavailable, ErrDenied, path, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w at %s: nothing answers there (%w); docker info names the daemon's containerd as Containerd.Address", ErrUnavailable, path, err)
	}
	return fmt.Errorf("%w at %s: %w", ErrUnavailable, path, err)
}

// Close closes the connection to containerd.
func (s *Store) Close() error { return s.conn.Close() }

// withNamespace returns ctx carrying the Store's namespace for containerd.
func (s *Store) withNamespace(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, namespaceHeader, s.namespace)
}
