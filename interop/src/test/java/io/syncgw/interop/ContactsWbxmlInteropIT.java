package io.syncgw.interop;

/**
 * The contacts acceptance scenarios of {@link ContactsInteropIT} with every session in WBXML
 * ({@code application/vnd.syncml+wbxml}): the wire protocol issue asks that each of them also passes so. It runs
 * on its own gateway and accounts, as a second class of the same JVM.
 */
class ContactsWbxmlInteropIT extends ContactsInteropIT {
    @Override
    boolean wbxml() {
        return true;
    }
}
