package contentstore

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	imagesapi "github.com/containerd/containerd/api/services/images/v1"
	leasesapi "github.com/containerd/containerd/api/services/leases/v1"
	namespacesapi "github.com/containerd/containerd/api/services/namespaces/v1"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/opencontainers/go-digest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// fakeContainerd serves the content, images, leases and namespaces services
// of one containerd namespace over a unix socket, with containerd's rules:
// a write names a ref, resumes that ref's ingest, is refused while another
// session holds the ref, and commits only with the expected size and digest;
// an existing blob or image name is AlreadyExists, a missing one NotFound.
type fakeContainerd struct {
	namespace string
	address   string

	mu      sync.Mutex
	blobs   map[digest.Digest]*fakeBlob
	ingests map[string][]byte // ref to data so far
	locked  map[string]bool   // refs with an open session
	images  map[string]*imagesapi.Image
	leases  map[string]map[digest.Digest]bool // lease to blobs it holds
	// committed lists the blobs committed, in order; unheld the blobs asked
	// for (Info) while no lease held them, when the garbage collector could
	// take them before Load refers to them; statuses counts Status calls;
	// onStatus, if set, runs (unlocked) on each.
	committed []digest.Digest
	unheld    []digest.Digest
	statuses  int
	onStatus  func(ref string)
}

// fakeBlob is a committed blob and the lease it was written under.
type fakeBlob struct {
	data   []byte
	labels map[string]string
	lease  string
}

// newFake starts a fake containerd with namespace ns; the test stops it.
func newFake(t *testing.T, ns string) *fakeContainerd {
	t.Helper()
	// t.TempDir can exceed the 108 bytes of a socket path.
	dir, err := os.MkdirTemp("", "cs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	f := &fakeContainerd{
		namespace: ns, address: filepath.Join(dir, "c.sock"),
		blobs: map[digest.Digest]*fakeBlob{}, ingests: map[string][]byte{}, locked: map[string]bool{},
		images: map[string]*imagesapi.Image{}, leases: map[string]map[digest.Digest]bool{},
	}
	lis, err := net.Listen("unix", f.address)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.UnaryInterceptor(f.checkUnary), grpc.StreamInterceptor(f.checkStream))
	contentapi.RegisterContentServer(srv, fakeContent{f: f})
	imagesapi.RegisterImagesServer(srv, fakeImages{f: f})
	leasesapi.RegisterLeasesServer(srv, fakeLeases{f: f})
	namespacesapi.RegisterNamespacesServer(srv, fakeNamespaces{f: f})
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(lis) }()
	t.Cleanup(func() { srv.Stop(); <-done })
	return f
}

// header returns the first value of metadata key in ctx.
func header(ctx context.Context, key string) string {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// checkNamespace refuses calls without the namespace, as containerd does,
// and calls for another one, which this fake does not hold.
func (f *fakeContainerd) checkNamespace(ctx context.Context) error {
	switch ns := header(ctx, namespaceHeader); ns {
	case "":
		return errgrpc.ToGRPC(fmt.Errorf("namespace is required: %w", errdefs.ErrFailedPrecondition))
	case f.namespace:
		return nil
	default:
		return errgrpc.ToGRPC(fmt.Errorf("fake holds namespace %q, not %q: %w", f.namespace, ns, errdefs.ErrNotImplemented))
	}
}

func (f *fakeContainerd) checkUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if err := f.checkNamespace(ctx); err != nil {
		return nil, err
	}
	return h(ctx, req)
}

func (f *fakeContainerd) checkStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	if err := f.checkNamespace(ss.Context()); err != nil {
		return err
	}
	return h(srv, ss)
}

// put stores a blob as if an earlier load had written it.
func (f *fakeContainerd) put(b []byte, labels map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blobs[digest.FromBytes(b)] = &fakeBlob{data: b, labels: labels}
}

// blob returns a copy of the blob d, or nil.
func (f *fakeContainerd) blob(d digest.Digest) *fakeBlob {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.blobs[d]
	if !ok {
		return nil
	}
	return &fakeBlob{data: b.data, labels: maps.Clone(b.labels), lease: b.lease}
}

// image returns a copy of the image record name, or nil.
func (f *fakeContainerd) image(name string) *imagesapi.Image {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i, ok := f.images[name]; ok {
		return proto.Clone(i).(*imagesapi.Image)
	}
	return nil
}

// setImage records an image as if the daemon had.
func (f *fakeContainerd) setImage(name string, target digest.Digest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.images[name] = &imagesapi.Image{Name: name, Target: targetOf(target)}
}

// held reports whether a lease holds the blob d; f.mu is held.
func (f *fakeContainerd) held(d digest.Digest) bool {
	for _, blobs := range f.leases {
		if blobs[d] {
			return true
		}
	}
	return false
}

// calls returns copies of committed and unheld.
func (f *fakeContainerd) calls() (committed, unheld []digest.Digest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]digest.Digest(nil), f.committed...), append([]digest.Digest(nil), f.unheld...)
}

// leaseCount returns how many leases exist.
func (f *fakeContainerd) leaseCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.leases)
}

type fakeNamespaces struct {
	namespacesapi.UnimplementedNamespacesServer
	f *fakeContainerd
}

func (s fakeNamespaces) Get(_ context.Context, req *namespacesapi.GetNamespaceRequest) (*namespacesapi.GetNamespaceResponse, error) {
	if req.Name != s.f.namespace {
		return nil, errgrpc.ToGRPC(fmt.Errorf("namespace %q: %w", req.Name, errdefs.ErrNotFound))
	}
	return &namespacesapi.GetNamespaceResponse{Namespace: &namespacesapi.Namespace{Name: req.Name}}, nil
}

type fakeLeases struct {
	leasesapi.UnimplementedLeasesServer
	f *fakeContainerd
}

func (s fakeLeases) Create(_ context.Context, req *leasesapi.CreateRequest) (*leasesapi.CreateResponse, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if _, ok := s.f.leases[req.ID]; ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("lease %q: %w", req.ID, errdefs.ErrAlreadyExists))
	}
	s.f.leases[req.ID] = map[digest.Digest]bool{}
	return &leasesapi.CreateResponse{Lease: &leasesapi.Lease{ID: req.ID, Labels: req.Labels}}, nil
}

func (s fakeLeases) Delete(_ context.Context, req *leasesapi.DeleteRequest) (*emptypb.Empty, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if _, ok := s.f.leases[req.ID]; !ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("lease %q: %w", req.ID, errdefs.ErrNotFound))
	}
	delete(s.f.leases, req.ID)
	return &emptypb.Empty{}, nil
}

func (s fakeLeases) AddResource(_ context.Context, req *leasesapi.AddResourceRequest) (*emptypb.Empty, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	held, ok := s.f.leases[req.ID]
	if !ok {
		return nil, errgrpc.ToGRPC(fmt.Errorf("lease %q: %w", req.ID, errdefs.ErrNotFound))
	}
	if req.Resource.GetType() != "content" {
		return nil, errgrpc.ToGRPC(fmt.Errorf("resource type %q: %w", req.Resource.GetType(), errdefs.ErrNotImplemented))
	}
	held[digest.Digest(req.Resource.ID)] = true
	return &emptypb.Empty{}, nil
}

// filterTarget reads the one images filter the fake knows.
func filterTarget(filters []string) (string, error) {
	if len(filters) != 1 || !strings.HasPrefix(filters[0], "target.digest==") {
		return "", errgrpc.ToGRPC(fmt.Errorf("filters %q: %w", filters, errdefs.ErrNotImplemented))
	}
	return strings.TrimPrefix(filters[0], "target.digest=="), nil
}
