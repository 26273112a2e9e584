/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 onvm authors
 */

/*
 * Loading a pcap to replay: every frame into one buffer, once, before the
 * EAL data path starts; a flow id per 5-tuple for the stamp's sequence
 * numbers. No EAL here: unit-tested.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "pktgen_lib.h"

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
pg_pcap_stampable(const uint8_t *frame, uint32_t len, uint8_t *key)
{
	uint32_t off = 12, l3, l4 = 0, end, hl;
	unsigned int tags = 0;
	uint16_t type;
	uint8_t proto;

	if (key != NULL)
		memset(key, 0, PG_FLOW_KEY_LEN);
	if (len < PG_ETH_LEN || len + PG_STAMP_LEN > PG_MAX_FRAME)
		return 0;
	type = rd16(frame + off);
	while ((type == 0x8100 || type == 0x88a8) && tags++ < 2) {
		off += 4;
		if (off + 2 > len)
			return 0;
		type = rd16(frame + off);
	}
	l3 = off + 2;
	if (type == 0x0800) {
		if (l3 + 20 > len || (frame[l3] >> 4) != 4)
			return 0;
		hl = (uint32_t)(frame[l3] & 0xf) * 4;
		end = l3 + rd16(frame + l3 + 2);
		if (hl < 20 || end < l3 + hl || end > len)
			return 0;
		proto = frame[l3 + 9];
		if (key != NULL) {
			memcpy(key + 2, frame + l3 + 12, 4);
			memcpy(key + 18, frame + l3 + 16, 4);
		}
		if ((rd16(frame + l3 + 6) & 0x1fff) == 0)	/* not a later fragment */
			l4 = l3 + hl;
	} else if (type == 0x86dd) {
		if (l3 + 40 > len || (frame[l3] >> 4) != 6)
			return 0;
		end = l3 + 40 + rd16(frame + l3 + 4);
		if (end > len)
			return 0;
		proto = frame[l3 + 6];
		if (key != NULL) {
			memcpy(key + 2, frame + l3 + 8, 16);
			memcpy(key + 18, frame + l3 + 24, 16);
		}
		l4 = l3 + 40;	/* extension headers: no ports in the key */
	} else {
		return 0;
	}
	if (key != NULL) {
		key[0] = type == 0x0800 ? 4 : 6;
		key[1] = proto;
		if (l4 != 0 && l4 + 4 <= end &&
		    (proto == 6 || proto == 17 || proto == 132))
			memcpy(key + 34, frame + l4, 4);
	}
	return 1;
}

/* ------------------------------------------------------------ flow ids */

/*
 * An open-addressed table of 5-tuples, only while loading. It holds up to
 * 65536 keys at half load; a key beyond those shares the id of its hash
 * (counted in flows_folded), so ids stay within the stamp's 16 bits.
 */
struct flow_slot {
	uint8_t key[PG_FLOW_KEY_LEN];
	uint8_t used;
	uint32_t id;
};

static uint32_t
key_hash(const uint8_t *k)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	unsigned int i;

	for (i = 0; i < PG_FLOW_KEY_LEN; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static int
assign_flows(struct pg_pcap *p)
{
	uint8_t key[PG_FLOW_KEY_LEN];
	struct flow_slot *tab;
	uint32_t cap = 2, i, h, j, want;

	want = p->n_stamped < PG_MAX_FLOWS ? p->n_stamped : PG_MAX_FLOWS;
	while (cap < 2 * want)
		cap <<= 1;
	tab = calloc(cap, sizeof(*tab));
	if (tab == NULL)
		return -ENOMEM;
	for (i = 0; i < p->n; i++) {
		struct pg_pcap_frame *f = &p->f[i];

		if (!f->stamp)
			continue;
		pg_pcap_stampable(p->data + f->off, f->len, key);
		h = key_hash(key);
		for (j = h & (cap - 1); tab[j].used; j = (j + 1) & (cap - 1))
			if (memcmp(tab[j].key, key, PG_FLOW_KEY_LEN) == 0)
				break;
		if (!tab[j].used) {
			if (p->flows < PG_MAX_FLOWS) {
				memcpy(tab[j].key, key, PG_FLOW_KEY_LEN);
				tab[j].used = 1;
				tab[j].id = p->flows++;
			} else {
				/* not stored: the same key folds the same way */
				f->flow = (uint16_t)(h % PG_MAX_FLOWS);
				p->flows_folded++;
				continue;
			}
		}
		f->flow = (uint16_t)tab[j].id;
	}
	free(tab);
	if (p->flows == 0)
		p->flows = 1;	/* no stamped frame: one (unused) flow */
	return 0;
}

/* ------------------------------------------------------------ loading */

void
pg_pcap_free(struct pg_pcap *p)
{
	free(p->data);
	free(p->f);
	memset(p, 0, sizeof(*p));
}

int
pg_pcap_load(const char *path, struct pg_pcap *p, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	const u_char *bytes;
	struct pcap_pkthdr *h;
	uint64_t data_cap = 0;
	uint32_t f_cap = 0;
	pcap_t *pc;
	int rc, lt;

	memset(p, 0, sizeof(*p));
	pc = pcap_open_offline(path, ebuf);
	if (pc == NULL) {
		if (strncmp(ebuf, path, strlen(path)) == 0)	/* names it */
			snprintf(err, errlen, "cannot read pcap %s", ebuf);
		else
			snprintf(err, errlen, "cannot read pcap %s: %s", path,
				 ebuf);
		return -ENOENT;
	}
	lt = pcap_datalink(pc);
	if (lt != DLT_EN10MB) {
		snprintf(err, errlen, "%s: link type %s, not Ethernet", path,
			 pcap_datalink_val_to_name(lt) != NULL ?
			 pcap_datalink_val_to_name(lt) : "unknown");
		pcap_close(pc);
		return -EINVAL;
	}
	while ((rc = pcap_next_ex(pc, &h, &bytes)) == 1) {
		struct pg_pcap_frame *f;

		if (h->caplen < h->len) {
			p->skipped_cut++;
			continue;
		}
		if (h->caplen > PG_MAX_FRAME || h->caplen < PG_ETH_LEN) {
			p->skipped_big++;
			continue;
		}
		if (p->n == UINT32_MAX)
			break;
		if (p->n == f_cap) {
			uint32_t nc = f_cap ? (f_cap > UINT32_MAX / 2 ?
					       UINT32_MAX : f_cap * 2) : 1024;
			void *nf = realloc(p->f, (size_t)nc * sizeof(*p->f));

			if (nf == NULL)
				goto nomem;
			p->f = nf;
			f_cap = nc;
		}
		if (p->bytes + h->caplen > data_cap) {
			uint64_t nc = data_cap ? data_cap * 2 : 1 << 20;
			void *nd = realloc(p->data, nc);

			if (nd == NULL)
				goto nomem;
			p->data = nd;
			data_cap = nc;
		}
		f = &p->f[p->n++];
		f->off = p->bytes;
		f->len = (uint16_t)h->caplen;
		f->flow = 0;
		f->stamp = (uint8_t)pg_pcap_stampable(bytes, h->caplen, NULL);
		p->n_stamped += f->stamp;
		memcpy(p->data + p->bytes, bytes, h->caplen);
		p->bytes += h->caplen;
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(pc));
		pcap_close(pc);
		pg_pcap_free(p);
		return -EINVAL;
	}
	pcap_close(pc);
	if (p->n == 0) {
		snprintf(err, errlen, "%s: no frame to send (%" PRIu64
			 " captured short, %" PRIu64 " over 1514 bytes)", path,
			 p->skipped_cut, p->skipped_big);
		pg_pcap_free(p);
		return -EINVAL;
	}
	if (assign_flows(p) < 0)
		goto nomem_closed;
	return 0;
nomem:
	pcap_close(pc);
nomem_closed:
	snprintf(err, errlen, "%s: out of memory after %u frames", path, p->n);
	pg_pcap_free(p);
	return -ENOMEM;
}
