/** The server's own device information (OMA-TS-DS_DevInf-V1_2), and reading a device's preferences from its own. */
package io.syncgw.engine.devinf;
