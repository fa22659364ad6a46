package sqldb

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// pgPool is a small pool of PostgreSQL connections: at most max open, idle
// ones reused. (pgxpool would need a module the build does not carry.)
type pgPool struct {
	cfg  *pgx.ConnConfig
	sem  chan struct{} // a token per open or opening connection
	idle chan *pgx.Conn

	mu     sync.Mutex
	closed bool
}

func newPGPool(cfg *pgx.ConnConfig, max int) *pgPool {
	return &pgPool{cfg: cfg, sem: make(chan struct{}, max), idle: make(chan *pgx.Conn, max)}
}

func (p *pgPool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
	}
	select {
	case c := <-p.idle:
		return c, nil
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		<-p.sem
		return nil, fmt.Errorf("connection pool closed")
	}
	c, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		<-p.sem
		return nil, err
	}
	return c, nil
}

// release puts c back, or drops it when it is broken or the pool is closed.
func (p *pgPool) release(c *pgx.Conn) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed || c.IsClosed() || c.PgConn().TxStatus() != 'I' {
		c.Close(context.Background())
		<-p.sem
		return
	}
	p.idle <- c // never blocks: at most cap(sem) connections exist
}

func (p *pgPool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	for {
		select {
		case c := <-p.idle:
			c.Close(context.Background())
			<-p.sem
		default:
			return
		}
	}
}
