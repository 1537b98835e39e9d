// franz-peer: franz-go (kgo, kadm) as a peer of the interop suite. One JSON request on stdin,
// one JSON answer on stdout (see peerio):
//
//	{"op": "produce", "bootstrap", "jobs": [{"topic", "codec", "records"}]} -> {"produced": {topic: n}}
//	{"op": "consume", "bootstrap", "topics": {topic: expected}, "group", "timeoutMs"} -> {"records": [...]}
//	{"op": "scenario", "bootstrap", "prefix"} -> a report of admin calls, a group commit and transactions
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kt.test/interop/peers/peerio"
)

func codec(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("unknown codec %s", name)
}

func toRecord(topic string, r peerio.Rec) *kgo.Record {
	rec := &kgo.Record{Topic: topic, Key: peerio.Bytes(r.Key), Value: peerio.Bytes(r.Value)}
	for _, h := range r.Headers {
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: *h[0], Value: peerio.Bytes(h[1])})
	}
	if r.Timestamp != nil {
		rec.Timestamp = time.UnixMilli(*r.Timestamp)
	}
	return rec
}

func fromRecord(r *kgo.Record) peerio.Rec {
	p, o, ts := r.Partition, r.Offset, r.Timestamp.UnixMilli()
	out := peerio.Rec{Topic: r.Topic, Partition: &p, Offset: &o, Timestamp: &ts, Key: peerio.Str(r.Key), Value: peerio.Str(r.Value), Headers: [][2]*string{}}
	for _, h := range r.Headers {
		k := h.Key
		out.Headers = append(out.Headers, [2]*string{&k, peerio.Str(h.Value)})
	}
	return out
}

func produce(req peerio.Request) (any, error) {
	out := map[string]int{}
	for _, job := range req.Jobs {
		c, err := codec(job.Codec)
		if err != nil {
			return nil, err
		}
		cl, err := kgo.NewClient(kgo.SeedBrokers(req.Bootstrap), kgo.ClientID("franz-go-interop"),
			kgo.ProducerBatchCompression(c), kgo.ProducerLinger(time.Second), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
		if err != nil {
			return nil, err
		}
		recs := make([]*kgo.Record, 0, len(job.Records))
		for _, r := range job.Records {
			recs = append(recs, toRecord(job.Topic, r))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err = cl.ProduceSync(ctx, recs...).FirstErr()
		cancel()
		cl.Close()
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", job.Topic, job.Codec, err)
		}
		out[job.Topic] = len(recs)
	}
	return map[string]any{"produced": out}, nil
}

// consumeFrom reads until every topic has its expected count (or the deadline), then commits
// when in a group.
func consumeFrom(bootstrap string, topics map[string]int, group *string, timeout time.Duration, extra ...kgo.Opt) ([]peerio.Rec, error) {
	names := peerio.TopicNames(topics)
	opts := []kgo.Opt{kgo.SeedBrokers(bootstrap), kgo.ClientID("franz-go-interop"), kgo.ConsumeTopics(names...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}
	if group != nil {
		opts = append(opts, kgo.ConsumerGroup(*group), kgo.DisableAutoCommit())
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	got := map[string]int{}
	records := []peerio.Rec{}
	done := func() bool {
		for t, n := range topics {
			if got[t] < n {
				return false
			}
		}
		return true
	}
	for !done() {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("timed out with %v of %v", got, topics)
		}
		var ferr error
		fetches.EachError(func(t string, p int32, err error) { ferr = fmt.Errorf("fetch %s/%d: %w", t, p, err) })
		if ferr != nil {
			return nil, ferr
		}
		fetches.EachRecord(func(r *kgo.Record) {
			got[r.Topic]++
			records = append(records, fromRecord(r))
		})
	}
	if group != nil {
		if err := cl.CommitUncommittedOffsets(ctx); err != nil {
			return nil, fmt.Errorf("commit: %w", err)
		}
	}
	return records, nil
}

func consume(req peerio.Request) (any, error) {
	return peerio.Consume(req, func(bootstrap string, topics map[string]int, group *string, timeout time.Duration) ([]peerio.Rec, error) {
		return consumeFrom(bootstrap, topics, group, timeout)
	})
}

// byTopic is a kadm answer per topic as the report shows it: each topic's error text or null.
func byTopic[R any](res map[string]R, err error, errOf func(R) error) (any, error) {
	if err != nil {
		return nil, err
	}
	out := map[string]*string{}
	for t, r := range res {
		out[t] = peerio.ErrText(errOf(r))
	}
	return out, nil
}

func scenario(req peerio.Request) (any, error) {
	report := peerio.Report{}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(req.Bootstrap), kgo.ClientID("franz-go-interop"))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	topic, txnTopic, group := req.Prefix+"-admin", req.Prefix+"-txn", req.Prefix+"-group"
	mine := func(td kadm.TopicDetails) map[string]int {
		partitions := map[string]int{}
		for name, d := range td {
			partitions[name] = len(d.Partitions)
		}
		return peerio.Mine(req.Prefix, partitions)
	}

	report.Do("createTopics", func() (any, error) {
		res, err := adm.CreateTopics(ctx, 2, 1, map[string]*string{"retention.ms": peerio.Ptr("3600000")}, topic, txnTopic)
		return byTopic(res, err, func(r kadm.CreateTopicResponse) error { return r.Err })
	})
	report.Do("createExisting", func() (any, error) {
		res, err := adm.CreateTopics(ctx, 2, 1, nil, topic)
		if err != nil {
			return nil, err
		}
		return peerio.ErrText(res[topic].Err), nil
	})
	report.Do("listTopics", func() (any, error) {
		td, err := adm.ListTopics(ctx)
		return mine(td), err
	})
	report.Do("describeConfigs", func() (any, error) {
		rc, err := adm.DescribeTopicConfigs(ctx, topic)
		if err != nil {
			return nil, err
		}
		r, err := rc.On(topic, nil)
		if err != nil {
			return nil, err
		}
		if r.Err != nil {
			return nil, r.Err
		}
		out := map[string]any{}
		for _, c := range r.Configs {
			if c.Key == "retention.ms" || c.Key == "cleanup.policy" {
				out[c.Key] = map[string]any{"value": c.MaybeValue(), "source": c.Source.String()}
			}
		}
		return out, nil
	})

	// a group: consume what was written, commit, read the commits back
	report.Do("groupCommit", func() (any, error) {
		recs := []*kgo.Record{}
		for i := 0; i < 6; i++ {
			recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i))})
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			return nil, fmt.Errorf("produce: %w", err)
		}
		got, err := consumeFrom(req.Bootstrap, map[string]int{topic: 6}, &group, 60*time.Second)
		if err != nil {
			return nil, err
		}
		offs, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := offs.Error(); err != nil {
			return nil, err
		}
		committed := int64(0)
		offs.Each(func(o kadm.OffsetResponse) { committed += o.At })
		return map[string]any{"consumed": len(got), "committed": committed}, nil
	})
	report.Do("listGroups", func() (any, error) {
		lg, err := adm.ListGroups(ctx)
		if err != nil {
			return nil, err
		}
		return lg.Groups(), nil
	})
	report.Do("describeGroup", func() (any, error) {
		dg, err := adm.DescribeGroups(ctx, group)
		if err != nil {
			return nil, err
		}
		g := dg[group]
		return map[string]any{"state": g.State, "members": len(g.Members), "err": peerio.ErrText(g.Err)}, nil
	})

	// transactions: commit 3, abort 2, commit 1; read_committed sees the 4 committed
	report.Do("transactions", func() (any, error) {
		tcl, err := kgo.NewClient(kgo.SeedBrokers(req.Bootstrap), kgo.ClientID("franz-go-interop"),
			kgo.TransactionalID(req.Prefix+"-txid"), kgo.DefaultProduceTopic(txnTopic), kgo.ProducerBatchCompression(kgo.ZstdCompression()))
		if err != nil {
			return nil, err
		}
		defer tcl.Close()
		n := 0
		for _, batch := range []struct {
			count  int
			commit kgo.TransactionEndTry
		}{{3, kgo.TryCommit}, {2, kgo.TryAbort}, {1, kgo.TryCommit}} {
			if err := tcl.BeginTransaction(); err != nil {
				return nil, fmt.Errorf("begin: %w", err)
			}
			for i := 0; i < batch.count; i++ {
				if err := tcl.ProduceSync(ctx, &kgo.Record{Key: []byte("t"), Value: []byte(fmt.Sprintf("t%d", n))}).FirstErr(); err != nil {
					return nil, fmt.Errorf("produce in transaction: %w", err)
				}
				n++
			}
			if err := tcl.EndTransaction(ctx, batch.commit); err != nil {
				return nil, fmt.Errorf("end transaction: %w", err)
			}
		}
		committed, err := consumeFrom(req.Bootstrap, map[string]int{txnTopic: 4}, nil, 60*time.Second, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
		if err != nil {
			return nil, err
		}
		return map[string]any{"readCommitted": peerio.SortedValues(committed)}, nil
	})

	report.Do("deleteTopics", func() (any, error) {
		res, err := adm.DeleteTopics(ctx, topic, txnTopic)
		return byTopic(res, err, func(r kadm.DeleteTopicResponse) error { return r.Err })
	})
	report.Do("listTopicsAfter", func() (any, error) {
		// a new client: kgo answers a repeated metadata request from its cache for a moment
		fresh, err := kgo.NewClient(kgo.SeedBrokers(req.Bootstrap), kgo.ClientID("franz-go-interop"))
		if err != nil {
			return nil, err
		}
		defer fresh.Close()
		td, err := kadm.NewClient(fresh).ListTopics(ctx)
		return mine(td), err
	})
	return report, nil
}

func main() {
	peerio.Serve(map[string]func(peerio.Request) (any, error){"produce": produce, "consume": consume, "scenario": scenario})
}
