/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * The data path: TX bursts paced by the TSC, RX bursts timed and checked.
 * Per packet: no allocation beyond rte_pktmbuf_alloc_bulk from our own TX
 * pool (NF mode: the manager's), no syscall, no log. Every mbuf is
 * accounted for: the TX side keeps what the port (NF mode: our tx ring)
 * did not take and offers it again (with a new TSC); the RX side frees each
 * burst with rte_pktmbuf_free_bulk (NF mode: gives it the DROP verdict, and
 * the manager frees it). The only syscall is the sched_yield() of a loop
 * that found nothing to do PG_IDLE_SPINS times.
 */

#include <sched.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include <onvm_nf.h>

#include "pktgen.h"

/* ---------------------------------------------------------------- TX */

/*
 * Start a phase: packets carry this phase's magic and per-flow sequence
 * numbers from 1; the TX counters start from 0. With a rate, credit accrues
 * at rate_pps from @p now. A burst goes when min(burst, 10 us of packets)
 * are due, so that a low rate is sent smoothly and a high one in full
 * bursts. Credit beyond 1 ms (or 4 bursts) is dropped: after the OS took
 * the core away we catch up on at most that much instead of a flood.
 */
void
pg_tx_phase(struct pg_ctx *c, uint32_t epoch, double rate_pps, uint64_t limit,
	    uint64_t now)
{
	struct pg_tx *t = &c->tx;
	double thr;

	t->magic = pg_magic(c->nonce, epoch);
	t->flow = 0;
	t->seq = 1;
	t->size_i = 0;
	t->pcap_i = 0;
	if (t->pcap != NULL)
		memset(t->pcap_seq, 0, t->pcap->flows * sizeof(*t->pcap_seq));
	t->built = 0;
	t->limit = limit;
	t->cpp = rate_pps > 0 ? (double)c->hz / rate_pps : 0;
	if (t->cpp > 0) {
		thr = rate_pps * 10e-6;
		t->thr = thr < 1 ? 1 : thr > t->burst ? t->burst : (uint32_t)thr;
		t->cap = RTE_MAX(rate_pps * 1e-3, 4.0 * t->burst) * t->cpp;
		t->paid = (double)now;
		t->next = t->paid + t->thr * t->cpp;
	}
	__atomic_store_n(&c->txc.tx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->txc.tx_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->txc.tx_full, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->txc.alloc_fail, 0, __ATOMIC_RELAXED);
}

/*
 * The port took @p k of the pending packets, @p bytes of all of them
 * pending before: count, shift the rest. The k taken belong to the PMD now
 * (memif frees them inside tx_burst), or in NF mode to the platform: only
 * the rest are read.
 */
static inline void
pg_tx_account(struct pg_ctx *c, uint16_t k, uint64_t bytes)
{
	struct pg_tx *t = &c->tx;
	uint16_t i;

	if (unlikely(k < t->npend)) {
		for (i = k; i < t->npend; i++) {
			bytes -= t->pend[i]->pkt_len;
			t->pend[i - k] = t->pend[i];
			t->pend_tail[i - k] = t->pend_tail[i];
		}
		__atomic_store_n(&c->txc.tx_full, c->txc.tx_full + 1,
				 __ATOMIC_RELAXED);
	}
	__atomic_store_n(&c->txc.tx, c->txc.tx + k, __ATOMIC_RELAXED);
	__atomic_store_n(&c->txc.tx_bytes, c->txc.tx_bytes + bytes,
			 __ATOMIC_RELAXED);
	if (t->cpp > 0) {
		t->paid += k * t->cpp;
		t->next = t->paid + t->thr * t->cpp;
	}
	t->npend -= k;
}

/* Build @p n synthetic packets into t->pend; the TSC stamped is @p now. */
static inline uint64_t
pg_tx_build(struct pg_tx *t, uint16_t n, uint64_t now)
{
	const struct pg_tmpl *tm;
	struct rte_mbuf *m;
	uint64_t bytes = 0;
	uint16_t i, len;

	for (i = 0; i < n; i++) {
		m = t->pend[i];
		len = (uint16_t)(t->sizes[t->size_i] - PG_FCS_LEN);
		if (++t->size_i == t->nb_sizes)
			t->size_i = 0;
		tm = &t->tmpl[t->proto == PG_PROTO_MIX ? (t->flow & 1) : 0];
		pg_build(rte_pktmbuf_mtod(m, uint8_t *), tm, len, t->flow,
			 t->magic, t->seq, now);
		if (t->zero_tail)
			/* the checksums count the payload after the stamp as
			 * zeros; a shared pool's mbufs hold old frames there */
			memset(rte_pktmbuf_mtod_offset(m, uint8_t *,
						       tm->hdr_len + PG_STAMP_LEN),
			       0, len - tm->hdr_len - PG_STAMP_LEN);
		m->data_len = len;
		m->pkt_len = len;
		bytes += len;
		if (++t->flow == t->flows) {
			t->flow = 0;
			t->seq++;
		}
	}
	t->npend = n;
	t->built += n;
	return bytes;
}

/* The same from the pcap: copy each frame, append the stamp if it fits. */
static inline uint64_t
pg_tx_build_pcap(struct pg_tx *t, uint16_t n, uint64_t now)
{
	const struct pg_pcap *p = t->pcap;
	const struct pg_pcap_frame *f;
	struct rte_mbuf *m;
	uint64_t bytes = 0;
	uint16_t i, len;
	uint8_t *d;

	for (i = 0; i < n; i++) {
		m = t->pend[i];
		f = &p->f[t->pcap_i];
		if (++t->pcap_i == p->n)
			t->pcap_i = 0;
		rte_prefetch0(p->data + p->f[t->pcap_i].off);
		d = rte_pktmbuf_mtod(m, uint8_t *);
		len = f->len;
		rte_memcpy(d, p->data + f->off, len);
		t->pend_tail[i] = f->stamp;
		if (f->stamp) {
			pg_stamp_put(d + len, t->magic, ++t->pcap_seq[f->flow],
				     now, f->flow);
			len += PG_STAMP_LEN;
		}
		m->data_len = len;
		m->pkt_len = len;
		bytes += len;
	}
	t->npend = n;
	t->built += n;
	return bytes;
}

/* NF mode: the verdict of frames we made, before onvm_nf_inject(). */
static inline void
pg_tx_meta(struct pg_tx *t)
{
	uint16_t i;

	for (i = 0; i < t->npend; i++) {
		/* as if in on port 0: where a NEXT at the chain's end goes */
		onvm_pkt_init(t->pend[i], 0);
		if (t->to_sid != 0)
			onvm_pkt_to_service(t->pend[i], t->to_sid);
	}
}

/*
 * One TX step at TSC @p now: offer what is pending (restamped), or build and
 * offer a burst if one is due. Never blocks. Returns how many the port (NF
 * mode: the platform) took.
 */
uint16_t
pg_tx_step(struct pg_ctx *c, uint64_t now)
{
	struct pg_tx *t = &c->tx;
	uint64_t left, bytes = 0;
	uint16_t n, i, k;
	double due;

	if (t->npend != 0) {
		/*
		 * The port was full: these waited here, so stamp them again.
		 * Latency runs from when the port takes a packet; time spent
		 * in front of a full port shows as tx_full, not as latency.
		 */
		for (i = 0; i < t->npend; i++) {
			uint8_t *d = rte_pktmbuf_mtod(t->pend[i], uint8_t *);

			if (t->pcap == NULL)
				pg_restamp(d, now);
			else if (t->pend_tail[i])
				pg_restamp_tail(d, t->pend[i]->data_len, now);
			bytes += t->pend[i]->pkt_len;
		}
	} else {
		n = t->burst;
		if (t->cpp > 0) {
			if ((double)now < t->next)
				return 0;
			if ((double)now - t->paid > t->cap)
				t->paid = (double)now - t->cap;
			due = ((double)now - t->paid) / t->cpp;
			if (due < n)
				n = (uint16_t)due;
		}
		if (t->limit != 0) {
			left = t->limit - t->built;
			if (left < n)
				n = (uint16_t)left;
		}
		if (n == 0)
			return 0;
		if (unlikely(rte_pktmbuf_alloc_bulk(t->pool, t->pend, n) != 0)) {
			__atomic_store_n(&c->txc.alloc_fail,
					 c->txc.alloc_fail + 1, __ATOMIC_RELAXED);
			return 0;
		}
		if (t->pcap == NULL)
			bytes = pg_tx_build(t, n, now);
		else
			bytes = pg_tx_build_pcap(t, n, now);
		if (t->nf != NULL)
			pg_tx_meta(t);
	}
	if (t->nf != NULL)
		k = onvm_nf_inject(t->nf, t->pend, t->npend);
	else
		k = rte_eth_tx_burst(t->port, 0, t->pend, t->npend);
	pg_tx_account(c, k, bytes);
	return k;
}

/* Sending stops: what the port never took goes back to the pool, unsent. */
void
pg_tx_abandon(struct pg_ctx *c)
{
	struct pg_tx *t = &c->tx;

	if (t->npend != 0)
		rte_pktmbuf_free_bulk(t->pend, t->npend);
	t->npend = 0;
}

/* With a --count, everything was sent. */
int
pg_tx_done(const struct pg_ctx *c)
{
	return c->tx.limit != 0 && c->tx.built >= c->tx.limit &&
	       c->tx.npend == 0;
}

/* ---------------------------------------------------------------- RX */

/* A new phase: forget the last one's sequence numbers and latencies. */
static __rte_cold void
pg_rx_new_epoch(struct pg_ctx *c, uint32_t epoch)
{
	struct pg_rx *r = &c->rx;
	struct pg_rxc *rc = &c->rxc;

	memset(r->max_seq, 0, r->flows * sizeof(*r->max_seq));
	pg_hist_reset(&r->hist);
	__atomic_store_n(&rc->rx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->rx_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->reordered, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->duplicates, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->unstamped, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->other, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->lat_bad, 0, __ATOMIC_RELAXED);
	r->epoch = epoch;
	r->magic = pg_magic(r->nonce, epoch);
	__atomic_store_n(&c->rx_epoch, epoch, __ATOMIC_RELEASE);
}

#define PG_PREFETCH_AHEAD 4

/*
 * Check @p n received packets, timed at TSC @p now: stamp, sequence and
 * latency of each. The caller frees them (or gives them a verdict).
 */
static inline void
pg_rx_burst(struct pg_ctx *c, struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct pg_rx *r = &c->rx;
	struct pg_rxc *rc = &c->rxc;
	uint64_t tsc, bytes = 0, rx = 0, reord = 0, dup = 0, other = 0;
	uint64_t bad = 0, unst = 0;
	uint32_t flow = 0, seq = 0, last;
	uint16_t i;
	int64_t d;
	int st;

	for (i = 0; i < n && i < PG_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

		if (i + PG_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PG_PREFETCH_AHEAD],
						       void *));
		if (r->pcap)
			st = pg_parse_tail(f, m->data_len, r->magic, &flow,
					   &seq, &tsc);
		else
			st = pg_parse_stamp(f, m->data_len, r->magic, &flow,
					    &seq, &tsc);
		if (unlikely(st != 0 || flow >= r->flows)) {
			/* with --pcap, a frame without a stamp is ours too */
			if (r->pcap && st < 0) {
				unst++;
				rx++;
				bytes += m->pkt_len;
			} else {
				other++;
			}
			continue;
		}
		rx++;
		bytes += m->pkt_len;
		d = (int64_t)(now - tsc);
		if (likely(d >= 0))
			pg_hist_record(&r->hist,
				       (uint64_t)((double)d * r->ns_per_cycle));
		else
			bad++;
		last = r->max_seq[flow];
		if (likely((int32_t)(seq - last) > 0))
			r->max_seq[flow] = seq;
		else if (seq == last)
			dup++;
		else
			reord++;
	}

	__atomic_store_n(&rc->rx, rc->rx + rx, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->rx_bytes, rc->rx_bytes + bytes, __ATOMIC_RELAXED);
	if (unlikely(reord | dup | other | bad | unst)) {
		__atomic_store_n(&rc->reordered, rc->reordered + reord,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&rc->duplicates, rc->duplicates + dup,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&rc->unstamped, rc->unstamped + unst,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&rc->other, rc->other + other,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&rc->lat_bad, rc->lat_bad + bad,
				 __ATOMIC_RELAXED);
	}
}

/*
 * NF mode: the burst handler of onvm_nf_poll(). Every packet that reaches
 * our service is measured and dropped: the manager frees it.
 */
void
pg_nf_burst(struct onvm_nf *nf, struct rte_mbuf **pkts, uint16_t n)
{
	struct pg_ctx *c = onvm_nf_data(nf);
	uint16_t i;

	pg_rx_burst(c, pkts, n, rte_rdtsc());
	for (i = 0; i < n; i++)
		onvm_pkt_drop(pkts[i]);
}

/*
 * NF mode: one onvm_nf_poll(), which also does the library's housekeeping
 * (heartbeat, the manager's state). Once it says stop, never again.
 */
static inline uint16_t
pg_rx_nf(struct pg_ctx *c)
{
	int rc;

	if (unlikely(c->nf_exit != 0))
		return 0;
	rc = onvm_nf_poll(c->tx.nf, pg_nf_burst);
	if (unlikely(rc < 0)) {
		c->nf_exit = rc;
		return 0;
	}
	return (uint16_t)rc;
}

/*
 * One RX burst: stamp, sequence and latency of each packet, then free.
 * Returns how many packets came.
 */
uint16_t
pg_rx_step(struct pg_ctx *c)
{
	struct pg_rx *r = &c->rx;
	struct rte_mbuf *pkts[PG_MAX_BURST];
	uint32_t epoch;
	uint16_t n;

	epoch = __atomic_load_n(&c->epoch, __ATOMIC_ACQUIRE);
	if (unlikely(epoch != r->epoch))
		pg_rx_new_epoch(c, epoch);

	if (c->tx.nf != NULL)
		return pg_rx_nf(c);
	n = rte_eth_rx_burst(r->port, 0, pkts, r->burst);
	if (n == 0)
		return 0;
	pg_rx_burst(c, pkts, n, rte_rdtsc());
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/* The RX lcore when two are given: poll until told to quit. */
int
pg_rx_lcore(void *arg)
{
	struct pg_ctx *c = arg;
	uint32_t idle = 0;

	while (!__atomic_load_n(&c->rx_quit, __ATOMIC_ACQUIRE)) {
		if (pg_rx_step(c) != 0)
			idle = 0;
		else if (++idle >= PG_IDLE_SPINS && c->o.yield)
			sched_yield();
	}
	return 0;
}
