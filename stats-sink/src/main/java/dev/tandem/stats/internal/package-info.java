/**
 * Not API: helpers shared by Tandem's modules (argument checks, the JCTools queues, the
 * open/closed flag of a sink). May change in any release.
 */
package dev.tandem.stats.internal;
