// What the lab runs and what stopped lately, as the window learns it from the event feed alone:
// each endpoint's lifecycle events (started with its config, its client's activity, stopped and
// how) folded into one record per endpoint. A window that opens late, or reloads, gets the same
// events in its replay (the host keeps them beyond its ring), so it needs no list() or stopped().

import type { EndpointConfig, EndpointInfo, StoppedInfo } from '../../../shared/contract'
import { kindInfo } from '../../../shared/endpoint-kinds'
import type { LabEvent, LifecycleDetail, SockAddr, StopHow } from '../../../shared/events'

/** One endpoint as its lifecycle events tell it. */
export interface Life {
  id: string
  /** Its number (tcp-client-3 → 3). */
  n: number
  config: EndpointConfig
  /** The console the window that started it shows it in. */
  console?: string
  local?: SockAddr
  /** Clients: what it does now and how its last exchange ended. */
  client?: EndpointInfo['client']
  /** HTTP clients: the URL it was asked for last. */
  url?: string
  /** How it stopped; absent while it runs. */
  stopped?: StopHow
}

/** Stopped endpoints a window remembers (as the host does): their lines keep their tab. */
const STOPPED_KEPT = 256

export class EndpointLives {
  /** Running ones in start order, stopped ones after them in stop order (a Map keeps insertion order). */
  private readonly lives = new Map<string, Life>()
  private stoppedCount = 0

  /** Takes in a batch's lifecycle events, in order; returns the endpoints whose life changed, each once, in order of first change. */
  apply(batch: readonly LabEvent[]): string[] {
    const changed = new Set<string>()
    for (const e of batch) {
      if (e.kind !== 'lifecycle') continue
      if (this.take(e.endpoint, e.detail)) changed.add(e.endpoint)
    }
    return [...changed]
  }

  get(id: string): Life | undefined {
    return this.lives.get(id)
  }

  private take(id: string, d: LifecycleDetail): boolean {
    if (d.step === 'started') {
      if (this.lives.has(id)) return false
      this.lives.set(id, { id, n: d.n, config: d.config, ...(d.console !== undefined && { console: d.console }), ...(d.local && { local: d.local }) })
      return true
    }
    const life = this.lives.get(id)
    if (!life || life.stopped) return false
    if (d.step === 'activity') {
      life.client = { now: d.now, ...(d.received !== undefined && { received: d.received }), ...(d.failed && { failed: d.failed }) }
      if (d.url !== undefined) life.url = d.url
      return true
    }
    life.stopped = d.how
    this.lives.delete(id)
    this.lives.set(id, life)
    if (++this.stoppedCount > STOPPED_KEPT) {
      for (const [old, l] of this.lives) {
        if (!l.stopped) continue
        this.lives.delete(old)
        this.stoppedCount--
        break
      }
    }
    return true
  }
}

/** A running endpoint as the lab-state functions take it (what list() used to say). */
export function runningInfo(life: Life): EndpointInfo {
  return {
    id: life.id,
    config: life.config,
    ...(life.local && { local: life.local }),
    ...(life.console !== undefined && { console: life.console }),
    ...(life.url !== undefined && { url: life.url }),
    ...(life.client ? { client: life.client } : isClientConfig(life.config) && { client: { now: 'idle' as const } })
  }
}

/** A stopped endpoint as the lab-state functions take it (what stopped() used to say). */
export function stoppedInfo(life: Life): StoppedInfo {
  return {
    id: life.id,
    config: life.config,
    ...(life.console !== undefined && { console: life.console }),
    ...(life.stopped === 'cancelled' && { inCall: true as const }),
    ...(life.url !== undefined && { url: life.url })
  }
}

/** Whether an endpoint of this config is a client: it has an activity (idle before its first call). */
function isClientConfig(config: EndpointConfig): boolean {
  return kindInfo(config.kind)?.role === 'client'
}
