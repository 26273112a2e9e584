/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * The parts of onvm-pktgen that need no EAL, so that tests/unit/test_pktgen.c
 * can check them: options, the latency histogram, frames and their stamp, the
 * pcap loader, the final JSON. Nothing here calls rte_ functions; the
 * hot-path pieces are inline and allocation-free.
 *
 * Thread safety: a struct pg_hist has one writer (the RX lcore). Its counters
 * are written and read with relaxed atomics, so the main lcore may snapshot
 * it (pg_hist_copy) while it is written; a snapshot may be a few packets
 * behind, never torn.
 */

#ifndef PKTGEN_LIB_H
#define PKTGEN_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ options */

enum pg_proto { PG_PROTO_UDP, PG_PROTO_TCP, PG_PROTO_MIX };

#define PG_MIN_SIZE 64		/* frame sizes count the 4-byte FCS */
#define PG_MAX_SIZE 1518
#define PG_FCS_LEN 4
#define PG_MAX_FRAME (PG_MAX_SIZE - PG_FCS_LEN)	/* 1514 bytes in an mbuf */
#define PG_MAX_FLOWS 65536	/* the flow id is 16 bits in the stamp */
#define PG_MAX_BURST 512
#define PG_MAX_SID 63		/* service ids, as onvm's ONVM_MAX_SERVICE_ID */

struct pg_opts {
	double rate_pps;	/* --rate; 0: flat out (or --rate-pct) */
	double rate_pct;	/* --rate-pct; 0: not given */
	double max_pps;		/* --max-pps; 0: measure it (with --rate-pct) */
	double probe_s;		/* --probe: the flat-out phase, seconds */
	uint32_t size;		/* --size: frame size with FCS */
	int imix;		/* --imix: 64/594/1518 at 7:4:1 */
	uint32_t flows;		/* --flows */
	enum pg_proto proto;	/* --proto */
	double duration_s;	/* --duration; 0: none */
	uint64_t count;		/* --count; 0: none */
	const char *pcap;	/* --pcap; NULL: synthetic frames */
	uint16_t tx_port, rx_port;
	uint16_t burst;
	const char *json;	/* --json; NULL: none */
	double stats_interval_s; /* --stats-interval; 0: off */
	double drain_s;		/* --drain: longest wait for late packets */
	double link_wait_s;	/* --link-wait: longest wait for link up */
	int yield;		/* 0 with --no-yield: never give the CPU up */
	int path_check;		/* 0 with --no-path-check */
	int linger;		/* --linger: wait for the peer to leave first */
	int nf;			/* --nf: an NF of the manager, no port */
	uint16_t to_sid;	/* --to; 0: the next service of the chain */
};

extern const char pg_usage[];

/**
 * Parse onvm-pktgen's own options (argv[0] is the program name).
 *
 * @return 0; 1 for --help; -EINVAL with a one-line reason in err.
 */
int pg_opts_parse(int argc, char **argv, struct pg_opts *o, char *err,
		  size_t errlen);

/**
 * Which mode a command line asks for: 1 for an NF (--nf among pktgen's
 * options as pg_nf_app_args() finds them: after the first "--", or after
 * argv[0] if there is none), 0 for a DPDK primary of its own. -EINVAL if
 * --nf is among the EAL options, before "--" (the NF library would hand it
 * to the EAL).
 */
int pg_nf_mode(int argc, char **argv);

/**
 * NF mode: copy into @p out (argc + 1 slots) argv[0] and pktgen's own
 * options, the arguments the NF library leaves to the NF: everything after
 * the first "--" (or after argv[0] if there is none) except the library's
 * -r SID, -n ID, --tag NAME and --file-prefix P (the same rules as
 * onvm_nf_start()), so they can be checked before the EAL starts.
 *
 * @return the number of arguments in @p out; out[that] is NULL.
 */
int pg_nf_app_args(int argc, char **argv, char **out);

/** Replace control characters in @p s with '?': one-line errors. */
void pg_one_line(char *s);

/** The proto of flow @p flow: --proto mix alternates UDP and TCP by flow. */
static inline enum pg_proto
pg_flow_proto(enum pg_proto proto, uint32_t flow)
{
	if (proto != PG_PROTO_MIX)
		return proto;
	return (flow & 1) ? PG_PROTO_TCP : PG_PROTO_UDP;
}

/** The frame sizes sent in turn: one, or the 12 of --imix. Returns how many. */
unsigned int pg_size_cycle(const struct pg_opts *o, uint16_t *sizes,
			   unsigned int max);

const char *pg_proto_name(enum pg_proto p);

/* ---------------------------------------------------------------- histogram */

/*
 * Log2-linear buckets, as in HdrHistogram: values below 2^(B+1) (128 ns)
 * are exact; above, each power of two [2^k, 2^(k+1)) is cut in 2^B = 64
 * buckets of width 2^(k-B), so every value is kept within 1/64 (1.6 %).
 * Up to 10 s that is 1856 buckets (15 KiB), allocated once.
 */
#define PG_HIST_SUB_BITS 6
#define PG_HIST_SUB (1u << PG_HIST_SUB_BITS)
#define PG_HIST_MAX_NS 10000000000ULL	/* 10 s; above counts in the top bucket */

struct pg_hist {
	uint64_t *counts;
	uint32_t nb;		/* buckets */
	uint64_t total;
	uint64_t min, max;	/* exact; min is UINT64_MAX when empty */
	uint64_t sum;		/* for the mean */
};

static inline uint32_t
pg_hist_index(uint64_t v)
{
	unsigned int k;

	if (v < 2 * PG_HIST_SUB)
		return (uint32_t)v;
	k = 63 - (unsigned int)__builtin_clzll(v);
	return (k - PG_HIST_SUB_BITS + 1) * PG_HIST_SUB +
	       (uint32_t)(v >> (k - PG_HIST_SUB_BITS)) - PG_HIST_SUB;
}

/** The lowest and highest value that fall in bucket @p i. */
uint64_t pg_hist_bucket_low(uint32_t i);
uint64_t pg_hist_bucket_high(uint32_t i);

/** Allocate the buckets for values up to @p max_value. 0 or -ENOMEM. */
int pg_hist_init(struct pg_hist *h, uint64_t max_value);
void pg_hist_free(struct pg_hist *h);
void pg_hist_reset(struct pg_hist *h);

/* One writer; see the note at the top. */
static inline void
pg_hist_record(struct pg_hist *h, uint64_t v)
{
	uint32_t i = pg_hist_index(v);

	if (i >= h->nb)
		i = h->nb - 1;
	__atomic_store_n(&h->counts[i], h->counts[i] + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->total, h->total + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->sum, h->sum + v, __ATOMIC_RELAXED);
	if (v < h->min)
		__atomic_store_n(&h->min, v, __ATOMIC_RELAXED);
	if (v > h->max)
		__atomic_store_n(&h->max, v, __ATOMIC_RELAXED);
}

/** Copy @p src into @p dst (same number of buckets); safe while src is written. */
void pg_hist_copy(struct pg_hist *dst, const struct pg_hist *src);

/**
 * @p out = @p cur - @p prev, two snapshots of one histogram. min and max of
 * the difference are those of its lowest and highest non-empty buckets.
 */
void pg_hist_sub(struct pg_hist *out, const struct pg_hist *cur,
		 const struct pg_hist *prev);

/**
 * The value at percentile @p pct (0..100): the highest value of the bucket
 * where the count reaches ceil(pct% of total), kept within [min, max]. So
 * it is never below the exact percentile, and at most 1/64 above it.
 * 0 when empty.
 */
uint64_t pg_hist_percentile(const struct pg_hist *h, double pct);

/* ------------------------------------------------------------ frames, stamp */

/*
 * The stamp (18 bytes, host byte order): magic 4 | seq 4 | tsc 8 | flow 2.
 *
 * magic is a 24-bit nonce drawn at start, then the 8-bit phase (epoch): a
 * frame of an earlier phase (the probe) or of an earlier run (a capture of
 * our own output, replayed) is never taken for one of this phase. seq
 * counts from 1 per flow and wraps. tsc is the TX lcore's TSC when the port
 * took the frame; flow is the flow id.
 *
 * A synthetic frame: Ethernet, IPv4 (no options), UDP or TCP (no options),
 * the stamp at the start of the L4 payload, then zeros. The frame in the
 * mbuf is the size less the FCS: 60 bytes for --size 64. It fits a 64-byte
 * UDP frame (42 + 18 = 60); a TCP frame needs 76 bytes. The IPv4 and L4
 * checksums are valid; they are built from sums prepared once per template
 * and patched for the packet's fields (RFC 1624).
 *
 * A pcap frame keeps every byte it had; the stamp is appended after them,
 * as a trailer outside the IP packet (where Ethernet padding goes), so
 * headers, lengths and checksums stay as captured. See pg_pcap_stampable().
 */
#define PG_STAMP_LEN 18
#define PG_ETH_LEN 14
#define PG_IP_LEN 20
#define PG_UDP_LEN 8
#define PG_TCP_LEN 20
#define PG_MIN_UDP_FRAME (PG_ETH_LEN + PG_IP_LEN + PG_UDP_LEN + PG_STAMP_LEN)
#define PG_MIN_TCP_FRAME (PG_ETH_LEN + PG_IP_LEN + PG_TCP_LEN + PG_STAMP_LEN)
#define PG_MIN_TCP_SIZE (PG_MIN_TCP_FRAME + PG_FCS_LEN)	/* 76 */
#define PG_HDR_MAX (PG_ETH_LEN + PG_IP_LEN + PG_TCP_LEN)

/* Flow i: 10.0.0.1 + i, port 1024 + i % 32768 -> 10.1.0.1, port 5001. */
#define PG_SRC_IP 0x0a000001u
#define PG_DST_IP 0x0a010001u
#define PG_SRC_PORT 1024
#define PG_DST_PORT 5001

/** The magic of phase @p epoch of a run with nonce @p nonce (24 bits). */
static inline uint32_t
pg_magic(uint32_t nonce, uint32_t epoch)
{
	return (nonce << 8) | (epoch & 0xff);
}

static inline void
pg_stamp_put(uint8_t *st, uint32_t magic, uint32_t seq, uint64_t tsc,
	     uint16_t flow)
{
	memcpy(st, &magic, 4);
	memcpy(st + 4, &seq, 4);
	memcpy(st + 8, &tsc, 8);
	memcpy(st + 16, &flow, 2);
}

/*
 * Read the stamp at @p st: 0 if it carries @p magic (flow, seq, tsc
 * filled), 1 if it is one of this run's other phases, -1 if none.
 */
static inline int
pg_stamp_get(const uint8_t *st, uint32_t magic, uint32_t *flow, uint32_t *seq,
	     uint64_t *tsc)
{
	uint32_t m;
	uint16_t f;

	memcpy(&m, st, 4);
	if (m != magic)
		return (m >> 8) == (magic >> 8) ? 1 : -1;
	memcpy(seq, st + 4, 4);
	memcpy(tsc, st + 8, 8);
	memcpy(&f, st + 16, 2);
	*flow = f;
	return 0;
}

struct pg_tmpl {
	uint8_t hdr[PG_HDR_MAX];	/* flow fields, lengths, checksums 0 */
	uint16_t hdr_len;		/* 42 (UDP) or 54 (TCP) */
	uint8_t proto;			/* IPPROTO_UDP or IPPROTO_TCP */
	uint32_t ip_sum;		/* one's complement sum of hdr's IPv4 header */
	uint32_t l4_sum;		/* pseudo header (dst, proto) + L4 header */
};

/** A template for @p proto: PG_PROTO_UDP or PG_PROTO_TCP. */
void pg_tmpl_init(struct pg_tmpl *t, enum pg_proto proto,
		  const uint8_t src_mac[6], const uint8_t dst_mac[6]);

/* 16-bit one's complement sum of @p len bytes (an odd last byte padded). */
uint32_t pg_sum16(const void *buf, size_t len, uint32_t sum);

static inline uint16_t
pg_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline uint32_t
pg_sum_words(const uint8_t *p, unsigned int nwords, uint32_t sum)
{
	uint16_t w;
	unsigned int i;

	for (i = 0; i < nwords; i++) {
		memcpy(&w, p + 2 * i, 2);
		sum += w;
	}
	return sum;
}

static inline uint16_t
pg_bswap16(uint16_t v)
{
	return (uint16_t)((v << 8) | (v >> 8));
}

/**
 * Write a whole frame of @p len bytes (without FCS) for @p flow at @p frame,
 * from template @p t, with a stamp (@p magic, @p seq, @p tsc). The bytes
 * after the stamp must already be zero (onvm-pktgen zeroes its TX pool once
 * and never writes there).
 */
static inline void
pg_build(uint8_t *frame, const struct pg_tmpl *t, uint16_t len, uint32_t flow,
	 uint32_t magic, uint32_t seq, uint64_t tsc)
{
	uint8_t *ip = frame + PG_ETH_LEN, *l4 = ip + PG_IP_LEN;
	uint8_t *st = frame + t->hdr_len;
	uint32_t src = __builtin_bswap32(PG_SRC_IP + flow);
	uint16_t sport = pg_bswap16((uint16_t)(PG_SRC_PORT + (flow & 0x7fff)));
	uint16_t ip_len = pg_bswap16((uint16_t)(len - PG_ETH_LEN));
	uint16_t l4_len = pg_bswap16((uint16_t)(len - PG_ETH_LEN - PG_IP_LEN));
	uint16_t ck;
	uint32_t s, srcsum = (src & 0xffff) + (src >> 16);

	memcpy(frame, t->hdr, t->hdr_len);
	memcpy(ip + 2, &ip_len, 2);
	memcpy(ip + 12, &src, 4);
	ck = (uint16_t)~pg_fold(t->ip_sum + ip_len + srcsum);
	memcpy(ip + 10, &ck, 2);
	memcpy(l4, &sport, 2);
	pg_stamp_put(st, magic, seq, tsc, (uint16_t)flow);

	/* pseudo header: src, dst, proto, L4 length; then the L4 bytes */
	s = t->l4_sum + srcsum + l4_len + sport;
	if (t->proto == 17) {
		memcpy(l4 + 4, &l4_len, 2);
		s += l4_len;
	}
	s = pg_sum_words(st, PG_STAMP_LEN / 2, s);
	ck = (uint16_t)~pg_fold(s);
	if (t->proto == 17) {
		if (ck == 0)
			ck = 0xffff;	/* 0 means "no checksum" in UDP */
		memcpy(l4 + 6, &ck, 2);
	} else {
		memcpy(l4 + 16, &ck, 2);
	}
}

/**
 * Put a new TSC in the stamp of a frame built by pg_build() and patch its
 * L4 checksum (a frame that waited for room in the port's queue).
 */
void pg_restamp(uint8_t *frame, uint64_t tsc);

/** The same for a pcap frame of @p len bytes whose last 18 are the stamp. */
static inline void
pg_restamp_tail(uint8_t *frame, uint16_t len, uint64_t tsc)
{
	memcpy(frame + len - PG_STAMP_LEN + 8, &tsc, 8);
}

/**
 * Find the stamp of a synthetic frame of @p len bytes (at the start of its
 * IPv4 UDP or TCP payload). Returns as pg_stamp_get(): 0 this phase's
 * (fields filled), 1 another phase's, -1 none.
 */
static inline int
pg_parse_stamp(const uint8_t *frame, uint32_t len, uint32_t magic,
	       uint32_t *flow, uint32_t *seq, uint64_t *tsc)
{
	const uint8_t *ip = frame + PG_ETH_LEN;
	uint32_t off;

	if (len < PG_MIN_UDP_FRAME || frame[12] != 0x08 || frame[13] != 0x00 ||
	    (ip[0] >> 4) != 4)
		return -1;
	off = PG_ETH_LEN + (uint32_t)(ip[0] & 0xf) * 4;
	if (ip[9] == 17)
		off += PG_UDP_LEN;
	else if (ip[9] == 6 && off + PG_TCP_LEN <= len)
		off += (uint32_t)(frame[off + 12] >> 4) * 4;
	else
		return -1;
	if (off + PG_STAMP_LEN > len)
		return -1;
	return pg_stamp_get(frame + off, magic, flow, seq, tsc);
}

/** The stamp of a pcap frame: its last 18 bytes. Returns as pg_stamp_get(). */
static inline int
pg_parse_tail(const uint8_t *frame, uint32_t len, uint32_t magic,
	      uint32_t *flow, uint32_t *seq, uint64_t *tsc)
{
	if (len < PG_STAMP_LEN)
		return -1;
	return pg_stamp_get(frame + len - PG_STAMP_LEN, magic, flow, seq, tsc);
}

/* --------------------------------------------------------------------- pcap */

/* One frame of a loaded pcap. */
struct pg_pcap_frame {
	uint64_t off;		/* bytes at pcap->data + off */
	uint16_t len;		/* as captured, without FCS */
	uint16_t flow;		/* flow id (by 5-tuple) of a stamped frame */
	uint8_t stamp;		/* 1: sent with the stamp appended */
};

struct pg_pcap {
	uint8_t *data;
	struct pg_pcap_frame *f;
	uint32_t n;		/* frames kept */
	uint32_t n_stamped;
	uint32_t flows;		/* flow ids used, 1..65536 */
	uint32_t flows_folded;	/* 5-tuples beyond 65536 sharing an id */
	uint64_t bytes;		/* of the frames kept */
	uint64_t skipped_cut;	/* captured shorter than on the wire */
	uint64_t skipped_big;	/* over 1514 bytes (or under 14) */
};

/**
 * May a frame of @p len bytes get the stamp appended? Only an IPv4 or IPv6
 * frame (behind up to two VLAN tags) whose IP packet, by its own length
 * field, ends within the frame, and only if the frame grows to at most
 * 1514 bytes. Then every receiver that reads lengths from the headers sees
 * the same packet; the stamp is trailing bytes, like Ethernet padding.
 * Fills @p flow_key (PG_FLOW_KEY_LEN bytes) with the 5-tuple if non-NULL.
 */
#define PG_FLOW_KEY_LEN 38	/* version, proto, src 16, dst 16, sport 2, dport 2 */
int pg_pcap_stampable(const uint8_t *frame, uint32_t len, uint8_t *flow_key);

/**
 * Load every frame of the pcap file @p path (Ethernet link type) into
 * memory, once, and give each stampable frame a flow id by its 5-tuple.
 * Frames captured shorter than they were, or over 1514 bytes, are left out
 * and counted.
 *
 * @return 0; -ENOENT/-EINVAL/-ENOMEM with a one-line reason in @p err (a
 *   file libpcap cannot read, another link type, no frame to send, memory).
 */
int pg_pcap_load(const char *path, struct pg_pcap *p, char *err,
		 size_t errlen);
void pg_pcap_free(struct pg_pcap *p);

/* ------------------------------------------------------------------ results */

struct pg_result {
	const char *mode;		/* "synthetic" or "pcap" */
	const char *pcap;		/* the file, or NULL */
	uint64_t tx, rx, lost, reordered, duplicates, rx_other, rx_unstamped;
	uint64_t tx_bytes, rx_bytes, tx_full, alloc_fail;
	uint64_t lat_negative;		/* RX TSC before TX TSC: not recorded */
	double tx_pps, rx_pps, duration_s;
	double rate_pps;		/* the rate sent at; 0: flat out */
	double rate_pct;		/* --rate-pct; 0: not given */
	double max_pps;			/* measured or given; 0: none */
	int max_measured;		/* max_pps came from the probe phase */
	double duration_asked_s;	/* --duration; 0: none */
	uint64_t count_asked;		/* --count; 0: none */
	uint32_t size;			/* 0 with --imix or --pcap */
	int imix;
	uint32_t flows;
	enum pg_proto proto;
	uint16_t burst;
	unsigned int lcores;
	uint64_t tsc_hz;
	int interrupted;		/* stopped by a signal (or the manager) */
	int nf;				/* NF mode */
	uint16_t nf_service, nf_instance; /* NF mode: ours */
	uint16_t nf_to;			/* NF mode: --to; 0: the chain's next */
	uint64_t lat_count;		/* packets with a latency */
	uint64_t lat_min, lat_p50, lat_p90, lat_p99, lat_p999, lat_max;
	double lat_mean;
};

/** Fill the latency fields of @p r from @p h (values in ns). */
void pg_result_latency(struct pg_result *r, const struct pg_hist *h);

/** Write @p r as one JSON object (the --json file). Returns 0 or -EIO. */
int pg_result_json(FILE *f, const struct pg_result *r);

#endif /* PKTGEN_LIB_H */
