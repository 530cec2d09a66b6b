// A follower's client tabs: the leader's numbers, each on the tab of this window that shows the
// same client (another window's client may have another number here).

import { describe, expect, it } from 'vitest'
import type { HostInfo } from '../../src/shared/contract'
import { initialLab, newTab, type LabState } from '../../src/renderer/src/lab/lab-state'
import { mirroredLab } from '../../src/renderer/src/app/window-follow'

const info: HostInfo = { host: 'browser', version: 't', sampleSite: '/s', ipv6: false, canChooseFolder: false, session: 's' }

/** The follower: its own Client 1, and the leader's two clients adopted as Client 2 and 3. */
function follower(): LabState {
  const lab = initialLab('tcp', 'IPv4', info)
  const fields = lab.tabs[0].fields
  return {
    ...lab,
    tabs: [lab.tabs[0], { ...newTab('tcp', 2, fields), endpointId: 'tcp-client-1' }, { ...newTab('tcp', 3, fields), endpointId: 'tcp-client-2' }],
    activeTab: 'tcp:client:1',
    nextTab: 4
  }
}

describe('mirroredLab', () => {
  it("shows the leader's Client 2 as Client 2, on the tab that shows its client here", () => {
    const shown = mirroredLab(
      follower(),
      {
        lab: 'tcp',
        tabs: [
          { key: 'tcp:client:1', endpoint: 'tcp-client-1' },
          { key: 'tcp:client:2', endpoint: 'tcp-client-2' }
        ],
        tab: 'tcp:client:2',
        view: 'log'
      },
      'IPv4'
    )
    expect(shown.tabs.map((t) => [t.label, t.key, t.endpointId])).toEqual([
      ['Client 1', 'tcp:client:2', 'tcp-client-1'],
      ['Client 2', 'tcp:client:3', 'tcp-client-2']
    ])
    expect(shown.activeTab).toBe('tcp:client:3')
  })

  it("a leader's tab with no client here yet: its own number's tab, or a new empty one", () => {
    const shown = mirroredLab(follower(), { lab: 'tcp', tabs: [{ key: 'tcp:client:1' }, { key: 'tcp:client:7' }], tab: 'tcp:client:7', view: 'wire' }, 'IPv4')
    expect(shown.tabs.map((t) => [t.label, t.key, t.phase])).toEqual([
      ['Client 1', 'tcp:client:1', 'idle'],
      ['Client 7', 'tcp:client:7', 'idle']
    ])
    expect(shown.activeTab).toBe('tcp:client:7')
  })
})
