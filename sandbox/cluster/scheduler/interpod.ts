// Filters and scores that look at other pods: InterPodAffinity (required pod affinity and
// anti-affinity, including existing pods' anti-affinity against the incoming pod) and
// PodTopologySpread (DoNotSchedule constraints), plus the soft (preferred) variants for scoring.
import type { KubeObject } from '../store/types';
import { selectorMatches, type LabelSelector } from '../controllers/util/selector';
import type { NodeInfo } from './predicates';

type Spec = Record<string, any>;

export const ErrPodAffinity = "node(s) didn't match pod affinity rules";
export const ErrPodAntiAffinity = "node(s) didn't match pod anti-affinity rules";
export const ErrExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrTopologySpread = "node(s) didn't match pod topology spread constraints";
export const ErrTopologySpreadMissingLabel = "node(s) didn't match pod topology spread constraints (missing required label)";

interface AffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
}

function termNamespaces(term: AffinityTerm, owner: KubeObject): string[] | undefined {
  if (term.namespaces?.length) return term.namespaces;
  if (term.namespaceSelector && Object.keys(term.namespaceSelector).length === 0) return undefined; // all namespaces
  return [owner.metadata.namespace ?? 'default'];
}

function termMatches(term: AffinityTerm, owner: KubeObject, candidate: KubeObject): boolean {
  const nss = termNamespaces(term, owner);
  if (nss && !nss.includes(candidate.metadata.namespace ?? '')) return false;
  return selectorMatches(term.labelSelector ?? undefined, candidate.metadata.labels);
}

function sameDomain(a: KubeObject, b: KubeObject, key: string): boolean {
  const va = a.metadata.labels?.[key];
  return va !== undefined && va === b.metadata.labels?.[key];
}

function requiredTerms(pod: KubeObject, kind: 'podAffinity' | 'podAntiAffinity'): AffinityTerm[] {
  return ((pod.spec as Spec)?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as AffinityTerm[];
}

/** InterPodAffinity filter for one node (upstream order: affinity, anti-affinity, existing pods' anti-affinity). */
export function interPodFilter(pod: KubeObject, info: NodeInfo, infos: NodeInfo[]): { reason: string; unresolvable: boolean } | undefined {
  const placed = infos.flatMap((i) => i.pods.map((p) => ({ pod: p, node: i.node })));
  for (const term of requiredTerms(pod, 'podAffinity')) {
    const matching = placed.filter(({ pod: q }) => termMatches(term, pod, q));
    if (matching.some(({ node }) => sameDomain(node, info.node, term.topologyKey))) continue;
    // The first pod of a group that selects itself may go anywhere the topology key exists.
    if (matching.length === 0 && termMatches(term, pod, pod) && info.node.metadata.labels?.[term.topologyKey] !== undefined) continue;
    return { reason: ErrPodAffinity, unresolvable: true };
  }
  for (const term of requiredTerms(pod, 'podAntiAffinity')) {
    if (placed.some(({ pod: q, node }) => termMatches(term, pod, q) && sameDomain(node, info.node, term.topologyKey))) return { reason: ErrPodAntiAffinity, unresolvable: false };
  }
  for (const { pod: q, node } of placed) {
    for (const term of requiredTerms(q, 'podAntiAffinity')) {
      if (termMatches(term, q, pod) && sameDomain(node, info.node, term.topologyKey)) return { reason: ErrExistingAntiAffinity, unresolvable: false };
    }
  }
  return undefined;
}

interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
}

function constraints(pod: KubeObject, mode: SpreadConstraint['whenUnsatisfiable']): SpreadConstraint[] {
  return (((pod.spec as Spec)?.topologySpreadConstraints ?? []) as SpreadConstraint[]).filter((c) => (c.whenUnsatisfiable ?? 'DoNotSchedule') === mode);
}

function domainCounts(pod: KubeObject, c: SpreadConstraint, eligible: NodeInfo[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const i of eligible) {
    const domain = i.node.metadata.labels?.[c.topologyKey];
    if (domain === undefined) continue;
    const n = i.pods.filter((p) => p.metadata.namespace === pod.metadata.namespace && selectorMatches(c.labelSelector, p.metadata.labels)).length;
    counts.set(domain, (counts.get(domain) ?? 0) + n);
  }
  return counts;
}

/** PodTopologySpread filter; `eligible` are the nodes that pass node affinity/selector. */
export function topologySpreadFilter(pod: KubeObject, info: NodeInfo, eligible: NodeInfo[]): { reason: string; unresolvable: boolean } | undefined {
  for (const c of constraints(pod, 'DoNotSchedule')) {
    const domain = info.node.metadata.labels?.[c.topologyKey];
    if (domain === undefined) return { reason: ErrTopologySpreadMissingLabel, unresolvable: true };
    const counts = domainCounts(pod, c, eligible);
    const min = counts.size < (c.minDomains ?? 1) ? 0 : Math.min(...counts.values());
    const self = selectorMatches(c.labelSelector, pod.metadata.labels) ? 1 : 0;
    if ((counts.get(domain) ?? 0) + self - min > c.maxSkew) return { reason: ErrTopologySpread, unresolvable: false };
  }
  return undefined;
}

/** Soft preferences: preferred pod (anti-)affinity weights and ScheduleAnyway skew, higher is better. */
export function interPodScore(pod: KubeObject, info: NodeInfo, infos: NodeInfo[]): number {
  const aff = (pod.spec as Spec)?.affinity ?? {};
  const placed = infos.flatMap((i) => i.pods.map((p) => ({ pod: p, node: i.node })));
  let score = 0;
  for (const w of (aff.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) as { weight: number; podAffinityTerm: AffinityTerm }[]) {
    if (placed.some(({ pod: q, node }) => termMatches(w.podAffinityTerm, pod, q) && sameDomain(node, info.node, w.podAffinityTerm.topologyKey))) score += w.weight;
  }
  for (const w of (aff.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) as { weight: number; podAffinityTerm: AffinityTerm }[]) {
    if (placed.some(({ pod: q, node }) => termMatches(w.podAffinityTerm, pod, q) && sameDomain(node, info.node, w.podAffinityTerm.topologyKey))) score -= w.weight;
  }
  for (const c of constraints(pod, 'ScheduleAnyway')) {
    const domain = info.node.metadata.labels?.[c.topologyKey];
    if (domain === undefined) continue;
    score -= domainCounts(pod, c, infos).get(domain) ?? 0;
  }
  return score;
}

/** Sum of matching preferred node-affinity weights. */
export function nodeAffinityScore(pod: KubeObject, node: KubeObject, termMatches: (term: any, node: KubeObject) => boolean): number {
  let score = 0;
  for (const p of ((pod.spec as Spec)?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) as { weight: number; preference: unknown }[]) {
    if (termMatches(p.preference, node)) score += p.weight;
  }
  return score;
}
