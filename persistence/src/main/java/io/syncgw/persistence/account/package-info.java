/** Account administration for the command line ({@code syncgw user add|list|remove|passwd}). */
package io.syncgw.persistence.account;
