import type { Passage } from '../ingest/chunk.js'
import type { ParkCatalog } from './parks.js'

/** Does a reading of passage `read` hold for `passage` (an id again, with the same text and metadata)? */
function samePassage(read: Passage, passage: Passage): boolean {
  return read.text === passage.text && read.park === passage.park && read.title === passage.title && read.section === passage.section && read.documentYear === passage.documentYear && read.opening === passage.opening
}

/**
 * What `read` makes of a passage whatever the question, kept per catalog (so per index version)
 * and passage id, and checked against everything a reading depends on: the same passages come
 * back question after question. At most `max` per catalog; when full it starts afresh rather than grow.
 */
export function passageReadings<P extends Passage, R extends { passage: Passage }>(max: number, read: (passage: P, catalog: ParkCatalog) => R): (passage: P, catalog: ParkCatalog) => R {
  const byCatalog = new WeakMap<ParkCatalog, Map<string, R>>()
  return (passage, catalog) => {
    let readings = byCatalog.get(catalog)
    if (!readings) byCatalog.set(catalog, (readings = new Map()))
    let reading = readings.get(passage.id)
    if (!reading || !samePassage(reading.passage, passage)) {
      if (readings.size >= max) readings.clear()
      readings.set(passage.id, (reading = read(passage, catalog)))
    }
    return reading
  }
}
