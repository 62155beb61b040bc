/**
 * The sync engine: pure protocol logic over the ports in {@link io.syncgw.engine.port}. No network or database types;
 * tested with scripted conversations and real traces.
 */
package io.syncgw.engine;
