// i18next-cli is written for Node 22, whose Sets have union(), difference()…; Node 20 (this
// project's floor) has not. These stand in for them, for that tool only (npm run i18n).
const methods = {
  union(o) { const r = new Set(this); for (const x of o.keys()) r.add(x); return r },
  intersection(o) { return new Set([...this].filter((x) => o.has(x))) },
  difference(o) { return new Set([...this].filter((x) => !o.has(x))) },
  symmetricDifference(o) { const r = new Set(this); for (const x of o.keys()) { if (r.has(x)) r.delete(x); else r.add(x) } return r },
  isSubsetOf(o) { return [...this].every((x) => o.has(x)) },
  isSupersetOf(o) { return [...o.keys()].every((x) => this.has(x)) },
  isDisjointFrom(o) { return [...this].every((x) => !o.has(x)) }
}
for (const [name, value] of Object.entries(methods)) {
  if (!Set.prototype[name]) Object.defineProperty(Set.prototype, name, { value, writable: true, configurable: true })
}
