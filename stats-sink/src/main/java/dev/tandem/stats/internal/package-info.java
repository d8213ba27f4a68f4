/**
 * Not API: helpers shared by Tandem's modules (argument checks, the JCTools queues, JSON
 * writing). May change in any release.
 */
package dev.tandem.stats.internal;
