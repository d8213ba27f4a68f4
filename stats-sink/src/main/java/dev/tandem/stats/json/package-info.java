/**
 * JSON for sink authors: {@link dev.tandem.stats.json.JsonWriter} writes strings, numbers, tags,
 * event fields and measurement values so that no name or value can break out of its place.
 */
package dev.tandem.stats.json;
