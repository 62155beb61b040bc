/** The runnable gateway: command line, configuration and the wiring of codec, engine and persistence. */
package io.syncgw.gateway;
