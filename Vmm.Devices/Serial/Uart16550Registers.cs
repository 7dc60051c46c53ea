namespace Vmm.Devices.Serial;

/// <summary>Register offsets and bit names of the 16550A, as the datasheet and Linux's serial_reg.h name them.</summary>
internal static class Uart16550Registers
{
    public const int Data = 0; // RBR (read) / THR (write); DLL when LCR.DLAB
    public const int InterruptEnable = 1; // IER; DLM when LCR.DLAB
    public const int InterruptIdentification = 2; // IIR (read) / FCR (write)
    public const int LineControl = 3;
    public const int ModemControl = 4;
    public const int LineStatus = 5;
    public const int ModemStatus = 6;
    public const int Scratch = 7;

    public const byte IerReceivedData = 0x01;
    public const byte IerTransmitterEmpty = 0x02;
    public const byte IerLineStatus = 0x04;
    public const byte IerModemStatus = 0x08;
    public const byte IerMask = 0x0F;

    public const byte IirNoInterrupt = 0x01;
    public const byte IirModemStatus = 0x00;
    public const byte IirTransmitterEmpty = 0x02;
    public const byte IirReceivedData = 0x04;
    public const byte IirLineStatus = 0x06;
    public const byte IirCharacterTimeout = 0x0C;
    public const byte IirFifosEnabled = 0xC0;

    public const byte FcrEnableFifo = 0x01;
    public const byte FcrClearReceive = 0x02;
    public const byte FcrClearTransmit = 0x04;
    public const byte FcrStoredMask = 0xC9; // enable, DMA mode, trigger level

    public const byte LcrDivisorLatchAccess = 0x80;

    public const byte McrDataTerminalReady = 0x01;
    public const byte McrRequestToSend = 0x02;
    public const byte McrOut1 = 0x04;
    public const byte McrOut2 = 0x08;
    public const byte McrLoopback = 0x10;
    public const byte McrMask = 0x1F;

    public const byte LsrDataReady = 0x01;
    public const byte LsrOverrun = 0x02;
    public const byte LsrTransmitterHoldingEmpty = 0x20;
    public const byte LsrTransmitterEmpty = 0x40;

    public const byte MsrDeltaClearToSend = 0x01;
    public const byte MsrDeltaDataSetReady = 0x02;
    public const byte MsrTrailingEdgeRingIndicator = 0x04;
    public const byte MsrDeltaDataCarrierDetect = 0x08;
    public const byte MsrClearToSend = 0x10;
    public const byte MsrDataSetReady = 0x20;
    public const byte MsrRingIndicator = 0x40;
    public const byte MsrDataCarrierDetect = 0x80;

    /// <summary>Receive trigger levels selected by FCR bits 7:6.</summary>
    public static int TriggerLevel(byte fcr) => (fcr >> 6) switch
    {
        0 => 1,
        1 => 4,
        2 => 8,
        _ => 14,
    };
}
