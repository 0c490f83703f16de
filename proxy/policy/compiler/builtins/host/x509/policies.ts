/*
 * crypto/x509's policiesValid (Go 1.24): RFC 5280 certificate policy processing as updated by RFC 9618, over a
 * chain ordered leaf first, with any policy acceptable (OPA passes no CertificatePolicies). Policies are compared
 * by their DER arcs.
 */

import type { Certificate } from './certificate.js';

const ANY_POLICY = '551d2000'; // 2.5.29.32.0

const key = (der: Uint8Array): string => Buffer.from(der).toString('hex');

interface PolicyNode {
  readonly validPolicy: string;
  expectedPolicySet: string[];
  readonly parents: Set<PolicyNode>;
  readonly children: Set<PolicyNode>;
}

function newNode(validPolicy: string, parents: readonly PolicyNode[]): PolicyNode {
  const node: PolicyNode = { validPolicy, expectedPolicySet: [validPolicy], parents: new Set(), children: new Set() };
  for (const parent of parents) {
    parent.children.add(node);
    node.parents.add(parent);
  }
  return node;
}

class PolicyGraph {
  readonly strata: Map<string, PolicyNode>[] = [new Map([[ANY_POLICY, newNode(ANY_POLICY, [])]])];
  #parentIndex = new Map<string, PolicyNode[]>();
  depth = 0;

  insert(node: PolicyNode): void {
    this.strata[this.depth]!.set(node.validPolicy, node);
  }

  parentsWithExpected(expected: string): PolicyNode[] {
    return this.depth === 0 ? [] : (this.#parentIndex.get(expected) ?? []);
  }

  parentWithAnyPolicy(): PolicyNode | undefined {
    return this.depth === 0 ? undefined : this.strata[this.depth - 1]!.get(ANY_POLICY);
  }

  parents(): PolicyNode[] {
    return this.depth === 0 ? [] : [...this.strata[this.depth - 1]!.values()];
  }

  leaves(): Map<string, PolicyNode> {
    return this.strata[this.depth]!;
  }

  deleteLeaf(policy: string): void {
    const node = this.leaves().get(policy);
    if (node === undefined) return;
    for (const parent of node.parents) parent.children.delete(node);
    for (const child of node.children) child.parents.delete(node);
    this.leaves().delete(policy);
  }

  validPolicyNodes(): PolicyNode[] {
    const valid: PolicyNode[] = [];
    for (let i = this.depth; i >= 0; i--) {
      for (const node of this.strata[i]!.values()) {
        if (node.validPolicy === ANY_POLICY) continue;
        if (node.parents.size === 1 && [...node.parents][0]!.validPolicy === ANY_POLICY) valid.push(node);
      }
    }
    return valid;
  }

  prune(): void {
    for (let i = this.depth - 1; i > 0; i--) {
      for (const [policy, node] of this.strata[i]!) {
        if (node.children.size !== 0) continue;
        for (const parent of node.parents) parent.children.delete(node);
        this.strata[i]!.delete(policy);
      }
    }
  }

  incrementDepth(): void {
    this.#parentIndex = new Map();
    for (const node of this.strata[this.depth]!.values()) {
      for (const expected of node.expectedPolicySet) {
        this.#parentIndex.set(expected, [...(this.#parentIndex.get(expected) ?? []), node]);
      }
    }
    this.depth++;
    this.strata.push(new Map());
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

const constrained = (value: bigint, zero: boolean): boolean => value > 0n || zero;

/** policiesValid reports whether a chain (leaf first, trust anchor last) passes policy validation. */
export function policiesValid(chain: readonly Certificate[]): boolean {
  if (chain.length === 1) return true;
  const n = chain.length - 1;
  let graph: PolicyGraph | undefined = new PolicyGraph();
  let inhibitAnyPolicy = BigInt(n + 1);
  let explicitPolicy = BigInt(n + 1);
  let policyMapping = BigInt(n + 1);

  for (let i = n - 1; i >= 0; i--) {
    const cert = chain[i]!;
    const selfIssued = sameBytes(cert.rawIssuer, cert.rawSubject);
    if (cert.policies === null) graph = undefined;
    if (explicitPolicy === 0n && graph === undefined) return false;

    if (graph !== undefined) {
      graph.incrementDepth();
      const policies = new Set<string>();
      for (const der of cert.policies ?? []) {
        const policy = key(der);
        policies.add(policy);
        if (policy === ANY_POLICY) continue;
        let parents = graph.parentsWithExpected(policy);
        if (parents.length === 0) {
          const anyParent = graph.parentWithAnyPolicy();
          if (anyParent !== undefined) parents = [anyParent];
        }
        if (parents.length > 0) graph.insert(newNode(policy, parents));
      }
      // Go's chains run leaf to anchor, so RFC 5280's "i < n" reads "n - i < n" here.
      if (policies.has(ANY_POLICY) && (inhibitAnyPolicy > 0n || (n - i < n && selfIssued))) {
        const missing = new Map<string, PolicyNode[]>();
        const leaves = graph.leaves();
        for (const parent of graph.parents()) {
          for (const expected of parent.expectedPolicySet) {
            if (!leaves.has(expected)) missing.set(expected, [...(missing.get(expected) ?? []), parent]);
          }
        }
        for (const [policy, parents] of missing) graph.insert(newNode(policy, parents));
      }
      graph.prune();

      if (i !== 0 && cert.policyMappings !== null) {
        const mappings = new Map<string, string[]>();
        for (const mapping of cert.policyMappings) {
          const issuer = key(mapping.issuerDomainPolicy);
          const subject = key(mapping.subjectDomainPolicy);
          if (policyMapping > 0n) {
            if (issuer === ANY_POLICY || subject === ANY_POLICY) return false;
            mappings.set(issuer, [...(mappings.get(issuer) ?? []), subject]);
          } else {
            graph.deleteLeaf(issuer);
            graph.prune();
          }
        }
        for (const [issuer, subjects] of mappings) {
          const matching = graph.leaves().get(issuer);
          if (matching !== undefined) {
            matching.expectedPolicySet = subjects;
          } else {
            const anyLeaf = graph.leaves().get(ANY_POLICY);
            if (anyLeaf !== undefined) {
              const node = newNode(issuer, [anyLeaf]);
              node.expectedPolicySet = subjects;
              graph.insert(node);
            }
          }
        }
      }
    }

    if (i !== 0) {
      if (!selfIssued) {
        if (explicitPolicy > 0n) explicitPolicy--;
        if (policyMapping > 0n) policyMapping--;
        if (inhibitAnyPolicy > 0n) inhibitAnyPolicy--;
      }
      if (
        constrained(cert.requireExplicitPolicy, cert.requireExplicitPolicyZero) &&
        cert.requireExplicitPolicy < explicitPolicy
      ) {
        explicitPolicy = cert.requireExplicitPolicy;
      }
      if (
        constrained(cert.inhibitPolicyMapping, cert.inhibitPolicyMappingZero) &&
        cert.inhibitPolicyMapping < policyMapping
      ) {
        policyMapping = cert.inhibitPolicyMapping;
      }
      if (constrained(cert.inhibitAnyPolicy, cert.inhibitAnyPolicyZero) && cert.inhibitAnyPolicy < inhibitAnyPolicy) {
        inhibitAnyPolicy = cert.inhibitAnyPolicy;
      }
    }
  }

  if (explicitPolicy > 0n) explicitPolicy--;
  if (chain[0]!.requireExplicitPolicyZero) explicitPolicy = 0n;

  // With any policy acceptable, the user-constrained set is the authority-constrained one.
  const validNodes = graph === undefined ? [] : graph.validPolicyNodes();
  const anyLeaf = graph?.leaves().get(ANY_POLICY);
  const userConstrainedPolicies = validNodes.length + (anyLeaf === undefined ? 0 : 1);
  return !(explicitPolicy === 0n && userConstrainedPolicies === 0);
}
