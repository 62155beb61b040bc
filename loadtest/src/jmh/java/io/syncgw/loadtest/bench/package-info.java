/** JMH benchmarks of the codec (SyncML XML/WBXML decode and encode) and the PIM conversions, per message or item. */
package io.syncgw.loadtest.bench;
