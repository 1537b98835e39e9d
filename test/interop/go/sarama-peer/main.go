// sarama-peer: IBM/sarama, speaking Kafka 3.6 (config.Version = V3_6_0_0), as a peer of the
// interop suite. Same ops and answers as franz-peer (see peerio).
package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"kt.test/interop/peers/peerio"
)

func config() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.ClientID = "sarama-interop"
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.MaxMessageBytes = 4 << 20
	cfg.Producer.Flush.Frequency = 200 * time.Millisecond
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cfg.Consumer.Fetch.Max = 4 << 20
	return cfg
}

var codecs = map[string]sarama.CompressionCodec{
	"none": sarama.CompressionNone, "gzip": sarama.CompressionGZIP, "snappy": sarama.CompressionSnappy,
	"lz4": sarama.CompressionLZ4, "zstd": sarama.CompressionZSTD,
}

func toMessage(topic string, r peerio.Rec) *sarama.ProducerMessage {
	m := &sarama.ProducerMessage{Topic: topic}
	if r.Key != nil {
		m.Key = sarama.StringEncoder(*r.Key)
	}
	if r.Value != nil {
		m.Value = sarama.StringEncoder(*r.Value)
	}
	for _, h := range r.Headers {
		m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte(*h[0]), Value: peerio.Bytes(h[1])})
	}
	if r.Timestamp != nil {
		m.Timestamp = time.UnixMilli(*r.Timestamp)
	}
	return m
}

func fromMessage(m *sarama.ConsumerMessage) peerio.Rec {
	p, o, ts := m.Partition, m.Offset, m.Timestamp.UnixMilli()
	out := peerio.Rec{Topic: m.Topic, Partition: &p, Offset: &o, Timestamp: &ts, Key: peerio.Str(m.Key), Value: peerio.Str(m.Value), Headers: [][2]*string{}}
	for _, h := range m.Headers {
		k := string(h.Key)
		out.Headers = append(out.Headers, [2]*string{&k, peerio.Str(h.Value)})
	}
	return out
}

func produce(req peerio.Request) (any, error) {
	out := map[string]int{}
	for _, job := range req.Jobs {
		cfg := config()
		c, ok := codecs[job.Codec]
		if !ok {
			return nil, fmt.Errorf("unknown codec %s", job.Codec)
		}
		cfg.Producer.Compression = c
		p, err := sarama.NewSyncProducer([]string{req.Bootstrap}, cfg)
		if err != nil {
			return nil, err
		}
		msgs := make([]*sarama.ProducerMessage, 0, len(job.Records))
		for _, r := range job.Records {
			msgs = append(msgs, toMessage(job.Topic, r))
		}
		err = p.SendMessages(msgs)
		_ = p.Close()
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", job.Topic, job.Codec, err)
		}
		out[job.Topic] = len(msgs)
	}
	return map[string]any{"produced": out}, nil
}

// collector gathers records from many goroutines until every topic has its expected count.
type collector struct {
	mu      sync.Mutex
	want    map[string]int
	got     map[string]int
	records []peerio.Rec
	full    chan struct{}
	once    sync.Once
}

func newCollector(want map[string]int) *collector {
	c := &collector{want: want, got: map[string]int{}, records: []peerio.Rec{}, full: make(chan struct{})}
	c.check()
	return c
}

func (c *collector) add(m *sarama.ConsumerMessage) {
	c.mu.Lock()
	c.got[m.Topic]++
	c.records = append(c.records, fromMessage(m))
	c.mu.Unlock()
	c.check()
}

func (c *collector) check() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for t, n := range c.want {
		if c.got[t] < n {
			return
		}
	}
	c.once.Do(func() { close(c.full) })
}

type handler struct{ c *collector }

func (handler) Setup(sarama.ConsumerGroupSession) error { return nil }

// Cleanup commits what was marked (auto-commit is off): the session is ending.
func (handler) Cleanup(sess sarama.ConsumerGroupSession) error {
	sess.Commit()
	return nil
}
func (h handler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case m, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			h.c.add(m)
			sess.MarkMessage(m, "")
		case <-sess.Context().Done():
			return nil
		}
	}
}

func consumeFrom(bootstrap string, topics map[string]int, group *string, timeout time.Duration, cfg *sarama.Config) ([]peerio.Rec, error) {
	names := peerio.TopicNames(topics)
	col := newCollector(topics)
	deadline := time.After(timeout)
	timedOut := func() error {
		col.mu.Lock()
		defer col.mu.Unlock()
		return fmt.Errorf("timed out with %v of %v", col.got, topics)
	}
	if group == nil {
		c, err := sarama.NewConsumer([]string{bootstrap}, cfg)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		for _, t := range names {
			parts, err := c.Partitions(t)
			if err != nil {
				return nil, err
			}
			for _, p := range parts {
				pc, err := c.ConsumePartition(t, p, sarama.OffsetOldest)
				if err != nil {
					return nil, fmt.Errorf("%s/%d: %w", t, p, err)
				}
				defer pc.AsyncClose()
				go func() {
					for m := range pc.Messages() {
						col.add(m)
					}
				}()
			}
		}
		select {
		case <-col.full:
		case <-deadline:
			return nil, timedOut()
		}
		col.mu.Lock()
		defer col.mu.Unlock()
		return append([]peerio.Rec(nil), col.records...), nil
	}
	g, err := sarama.NewConsumerGroup([]string{bootstrap}, *group, cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			if err := g.Consume(ctx, names, handler{col}); err != nil && !errors.Is(err, sarama.ErrClosedConsumerGroup) {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	select {
	case <-col.full:
	case err := <-errs:
		cancel()
		return nil, fmt.Errorf("group: %v", err)
	case <-deadline:
		cancel()
		return nil, timedOut()
	}
	cancel() // the session ends: Cleanup commits the marked offsets
	if err := <-errs; err != nil {
		return nil, err
	}
	if err := g.Close(); err != nil {
		return nil, err
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	return append([]peerio.Rec(nil), col.records...), nil
}

func consume(req peerio.Request) (any, error) {
	return peerio.Consume(req, func(bootstrap string, topics map[string]int, group *string, timeout time.Duration) ([]peerio.Rec, error) {
		return consumeFrom(bootstrap, topics, group, timeout, config())
	})
}

func scenario(req peerio.Request) (any, error) {
	report := peerio.Report{}
	addrs := []string{req.Bootstrap}
	adm, err := sarama.NewClusterAdmin(addrs, config())
	if err != nil {
		return nil, err
	}
	defer adm.Close()
	topic, txnTopic, group := req.Prefix+"-admin", req.Prefix+"-txn", req.Prefix+"-group"
	mine := func(td map[string]sarama.TopicDetail) map[string]int {
		partitions := map[string]int{}
		for name, d := range td {
			partitions[name] = int(d.NumPartitions)
		}
		return peerio.Mine(req.Prefix, partitions)
	}
	report.Do("createTopics", func() (any, error) {
		out := map[string]*string{}
		for _, t := range []string{topic, txnTopic} {
			out[t] = peerio.ErrText(adm.CreateTopic(t, &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1, ConfigEntries: map[string]*string{"retention.ms": peerio.Ptr("3600000")}}, false))
		}
		return out, nil
	})
	report.Do("createExisting", func() (any, error) {
		return peerio.ErrText(adm.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, false)), nil
	})
	report.Do("listTopics", func() (any, error) {
		td, err := adm.ListTopics()
		return mine(td), err
	})
	report.Do("describeConfigs", func() (any, error) {
		entries, err := adm.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: topic})
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		for _, e := range entries {
			if e.Name == "retention.ms" || e.Name == "cleanup.policy" {
				out[e.Name] = map[string]any{"value": e.Value, "source": e.Source.String()}
			}
		}
		return out, nil
	})
	report.Do("groupCommit", func() (any, error) {
		p, err := sarama.NewSyncProducer(addrs, config())
		if err != nil {
			return nil, err
		}
		msgs := []*sarama.ProducerMessage{}
		for i := 0; i < 6; i++ {
			msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(fmt.Sprintf("k%d", i)), Value: sarama.StringEncoder(fmt.Sprintf("v%d", i))})
		}
		err = p.SendMessages(msgs)
		_ = p.Close()
		if err != nil {
			return nil, fmt.Errorf("produce: %w", err)
		}
		got, err := consumeFrom(req.Bootstrap, map[string]int{topic: 6}, &group, 60*time.Second, config())
		if err != nil {
			return nil, err
		}
		offs, err := adm.ListConsumerGroupOffsets(group, nil)
		if err != nil {
			return nil, err
		}
		committed := int64(0)
		for _, parts := range offs.Blocks {
			for _, b := range parts {
				if b.Err != sarama.ErrNoError {
					return nil, b.Err
				}
				if b.Offset > 0 {
					committed += b.Offset
				}
			}
		}
		return map[string]any{"consumed": len(got), "committed": committed}, nil
	})
	report.Do("listGroups", func() (any, error) {
		gs, err := adm.ListConsumerGroups()
		if err != nil {
			return nil, err
		}
		out := []string{}
		for g := range gs {
			out = append(out, g)
		}
		sort.Strings(out)
		return out, nil
	})
	report.Do("describeGroup", func() (any, error) {
		ds, err := adm.DescribeConsumerGroups([]string{group})
		if err != nil {
			return nil, err
		}
		if len(ds) != 1 {
			return nil, fmt.Errorf("%d descriptions", len(ds))
		}
		var e *string
		if ds[0].Err != sarama.ErrNoError {
			e = peerio.ErrText(ds[0].Err)
		}
		return map[string]any{"state": ds[0].State, "members": len(ds[0].Members), "err": e}, nil
	})
	report.Do("transactions", func() (any, error) {
		cfg := config()
		cfg.Producer.Idempotent = true
		cfg.Producer.Transaction.ID = req.Prefix + "-txid"
		cfg.Producer.Compression = sarama.CompressionZSTD
		cfg.Net.MaxOpenRequests = 1
		p, err := sarama.NewSyncProducer(addrs, cfg)
		if err != nil {
			return nil, err
		}
		defer p.Close()
		n := 0
		for _, batch := range []struct {
			count  int
			commit bool
		}{{3, true}, {2, false}, {1, true}} {
			if err := p.BeginTxn(); err != nil {
				return nil, fmt.Errorf("begin: %w", err)
			}
			for i := 0; i < batch.count; i++ {
				if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: txnTopic, Key: sarama.StringEncoder("t"), Value: sarama.StringEncoder(fmt.Sprintf("t%d", n))}); err != nil {
					return nil, fmt.Errorf("produce in transaction: %w", err)
				}
				n++
			}
			if batch.commit {
				err = p.CommitTxn()
			} else {
				err = p.AbortTxn()
			}
			if err != nil {
				return nil, fmt.Errorf("end transaction: %w", err)
			}
		}
		rc := config()
		rc.Consumer.IsolationLevel = sarama.ReadCommitted
		committed, err := consumeFrom(req.Bootstrap, map[string]int{txnTopic: 4}, nil, 60*time.Second, rc)
		if err != nil {
			return nil, err
		}
		return map[string]any{"readCommitted": peerio.SortedValues(committed)}, nil
	})
	report.Do("deleteTopics", func() (any, error) {
		out := map[string]*string{}
		for _, t := range []string{topic, txnTopic} {
			out[t] = peerio.ErrText(adm.DeleteTopic(t))
		}
		return out, nil
	})
	report.Do("listTopicsAfter", func() (any, error) {
		td, err := adm.ListTopics()
		return mine(td), err
	})
	return report, nil
}

func main() {
	peerio.Serve(map[string]func(peerio.Request) (any, error){"produce": produce, "consume": consume, "scenario": scenario})
}
