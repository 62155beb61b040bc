/** The command line: {@code serve} and {@code user add|list|remove|passwd}, their options and environment. */
package io.syncgw.gateway.cli;
