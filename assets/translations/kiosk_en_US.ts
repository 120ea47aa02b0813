<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>AdminScreen</name>
    <message>
        <location filename="../../ui/screens/system.py" line="321" />
        <source>终端管理</source>
        <translation>Terminal administration</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="331" />
        <source>重新载入事项清单</source>
        <translation>Reload catalog</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="332" />
        <source>打印测试页</source>
        <translation>Print test page</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="333" />
        <source>已装纸（计数清零）</source>
        <translation>Paper loaded (reset counter)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="334" />
        <source>语音测试</source>
        <translation>Voice test</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="335" />
        <source>退出终端程序</source>
        <translation>Exit the kiosk program</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="364" />
        <source>迟到的付款：暂时查不到（</source>
        <translation>Late payments: cannot be read now (</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="373" />
        <source>没有迟到的付款</source>
        <translation>No late payments</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="375" />
        <source>迟到的付款（已自动退款）：</source>
        <translation>Late payments (refunded automatically):</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="388" />
        <source>正在核对未完成的充值……</source>
        <translation>Checking unfinished top-ups…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="393" />
        <source>没有未完成的充值</source>
        <translation>No unfinished top-ups</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="394" />
        <source>需要处理的充值：</source>
        <translation>Top-ups needing attention:</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="396" />
        <source>正在核对，请稍后再查</source>
        <translation>Being checked, look again later</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="423" />
        <source>清单有误，继续使用原清单：</source>
        <translation>The new catalog has errors; keeping the current one: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="419" />
        <source>已载入清单 </source>
        <translation>Loaded catalog </translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../../ui/screens/system.py" line="446" />
        <source>政务服务自助终端</source>
        <translation>Government self-service kiosk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="448" />
        <source>请触摸屏幕开始办理</source>
        <translation>Touch the screen to begin</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="452" />
        <source>可以查公积金、社保，开证明，交燃气费……</source>
        <translation>Look up your housing fund and social insurance, get certificates, top up gas…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="457" />
        <source>开始办理</source>
        <translation>Begin</translation>
    </message>
</context>
<context>
    <name>CategoryScreen</name>
    <message>
        <location filename="../../ui/screens/browse.py" line="178" />
        <source>全部分类</source>
        <translation>All categories</translation>
    </message>
</context>
<context>
    <name>CertificateScreen</name>
    <message>
        <location filename="../../ui/screens/resident.py" line="450" />
        <source>证明预览</source>
        <translation>Certificate preview</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="441" />
        <location filename="../../ui/screens/resident.py" line="464" />
        <source>开具并打印</source>
        <translation>Issue and print</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="455" />
        <source>申请人：</source>
        <translation>Applicant: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="458" />
        <source>公民身份号码：</source>
        <translation>ID number: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="462" />
        <source>点“开具并打印”后开具证明并马上打印。纸质证明上印有您完整的姓名和身份证号码。</source>
        <translation>Tap “Issue and print” to issue the certificate and print it at once. The paper copy shows your full name and ID number.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="474" />
        <source>正在开具，请稍候……</source>
        <translation>Issuing, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="500" />
        <source>验证码：</source>
        <translation>Verification code: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="516" />
        <source>再打印一份</source>
        <translation>Print another copy</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="521" />
        <source>开具没有成功，请再试一次</source>
        <translation>The certificate could not be issued, please try again</translation>
    </message>
</context>
<context>
    <name>ConsentScreen</name>
    <message>
        <location filename="../../ui/screens/resident.py" line="173" />
        <source>查询前请您知道</source>
        <translation>Before we look up your records</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="178" />
        <source>我同意，继续</source>
        <translation>I agree, continue</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="179" />
        <source>不同意，返回</source>
        <translation>I do not agree, go back</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="185" />
        <source>您本人的相关记录</source>
        <translation>your own records for this service</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="189" />
        <source>为了给您办理这项业务，本机将向有关部门查询：</source>
        <translation>To do this for you, the kiosk will ask the responsible office for: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="190" />
        <source>这些信息只用于这次办理，只显示在这块屏幕上，由您决定是否打印。</source>
        <translation>This information is used only for this visit and shown only on this screen; you decide whether to print it.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="191" />
        <source>您离开或点“首页”后，屏幕上的信息会全部清除，本机不保存。</source>
        <translation>When you leave or tap “Home”, everything is cleared from the screen; the kiosk keeps nothing.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="192" />
        <source>依据《中华人民共和国个人信息保护法》，需要您先同意。</source>
        <translation>Under the Personal Information Protection Law of the PRC, we need your consent first.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="206" />
        <source>您的住房公积金缴存记录</source>
        <translation>your housing fund deposit records</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="207" />
        <source>您的社会保险参保缴费记录</source>
        <translation>your social insurance contribution records</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="208" />
        <source>您的学历和自学考试记录</source>
        <translation>your education and self-study exam records</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="209" />
        <source>您的户籍和困难群众认定信息</source>
        <translation>your household registration and hardship status</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="210" />
        <source>您的户籍信息</source>
        <translation>your household registration</translation>
    </message>
</context>
<context>
    <name>FeedbackScreen</name>
    <message>
        <location filename="../../ui/screens/feedback.py" line="27" />
        <source>噪音扰民</source>
        <translation>Noise</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="28" />
        <source>道路破损</source>
        <translation>Damaged road</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="29" />
        <source>路灯不亮</source>
        <translation>Street light out</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="30" />
        <source>供水供气</source>
        <translation>Water or gas supply</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="31" />
        <source>环境卫生</source>
        <translation>Sanitation</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="32" />
        <source>物业纠纷</source>
        <translation>Property management</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="33" />
        <source>拖欠工资</source>
        <translation>Unpaid wages</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="34" />
        <source>其他问题</source>
        <translation>Something else</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="37" />
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="38" />
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="39" />
        <source>基本满意</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="40" />
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="41" />
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="92" />
        <source>反映问题</source>
        <translation>Report a problem</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="96" />
        <source>请选择您要反映的问题，再输入手机号，工作人员会回电了解详情</source>
        <translation>Choose what the problem is about and enter your mobile number; staff will call you back</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="105" />
        <source>请输入手机号</source>
        <translation>Enter your mobile number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="108" />
        <source>请把回执上的二维码对准扫码口；</source>
        <translation>Hold the QR code on your receipt to the scanner; </translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="109" />
        <source>没有回执，请输入诉求编号（19位），再输入验证码</source>
        <translation>without a receipt, type the 19-digit case number, then the code</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="111" />
        <location filename="../../ui/screens/feedback.py" line="290" />
        <source>诉求编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="113" />
        <source>请输入办件编号，再选择您的评价</source>
        <translation>Enter the case number, then choose your rating</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="121" />
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="124" />
        <source>请为刚才办理的事项选择您的评价，再点“确定”</source>
        <translation>Choose your rating for the service you just used, then tap “OK”</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="134" />
        <location filename="../../ui/screens/feedback.py" line="138" />
        <source>已选择：</source>
        <translation>Chosen: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="145" />
        <source>请先选择要反映的问题</source>
        <translation>Please choose what the problem is about first</translation>
    </message>
    <message>
        <source>手机号是11位数字，请检查</source>
        <translation>A mobile number has 11 digits, please check</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="161" />
        <source>诉求编号是19位数字，请检查</source>
        <translation>The case number has 19 digits, please check</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="165" />
        <source>验证码（6位）</source>
        <translation>Code (6 digits)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="177" />
        <source>请输入办件编号</source>
        <translation>Please enter the case number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="180" />
        <source>请选择您的评价</source>
        <translation>Please choose your rating</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="198" />
        <source>这个条码不是12345回执上的二维码，请换回执上的二维码再扫</source>
        <translation>This is not the QR code of a 12345 receipt; please scan the QR code on the receipt</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="209" />
        <source>正在查询，请稍候……</source>
        <translation>Looking it up, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="219" />
        <source>已提交，工作人员会尽快回电。
诉求编号 </source>
        <translation>Submitted. Staff will call you back soon.
Case number </translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="223" />
        <source>
正在打印回执……</source>
        <translation>
Printing your receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="250" />
        <source>正在打印回执……</source>
        <translation>Printing your receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="252" />
        <source>回执已打印，请取走</source>
        <translation>Receipt printed, please take it</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="263" />
        <source>回执没有打印出来，请记下编号和验证码</source>
        <translation>The receipt was not printed; please note the number and the code</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="277" />
        <source>感谢您的评价！</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="221" />
        <source>
验证码 </source>
        <translation>
Code </translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="148" />
        <source>手机号格式不对：是1开头的11位数字，请检查</source>
        <translation>That is not a mobile number: 11 digits starting with 1, please check</translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="271" />
        <source>办理状态：</source>
        <translation>Status: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="273" />
        <source>答复：</source>
        <translation>Reply: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/feedback.py" line="287" />
        <source>没有成功，请再试一次</source>
        <translation>That did not work, please try again</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../ui/widgets.py" line="588" />
        <source>{y}年{m}月{d}日 {hm}</source>
        <translation>{d} {mon} {y}  {hm}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="668" />
        <source>● 网络正常</source>
        <translation>● Network OK</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="668" />
        <source>✖ 网络中断</source>
        <translation>✖ Network down</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="670" />
        <source>● 打印正常</source>
        <translation>● Printer OK</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="671" />
        <source>▲ 纸张不多</source>
        <translation>▲ Paper low</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="672" />
        <source>✖ 打印机缺纸</source>
        <translation>✖ Printer out of paper</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="673" />
        <source>● 演示：打印存为文件</source>
        <translation>● Demo: prints saved as files</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="674" />
        <source>✖ 打印机故障</source>
        <translation>✖ Printer fault</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="675" />
        <source>● 语音可用</source>
        <translation>● Voice ready</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="675" />
        <source>… 语音准备中</source>
        <translation>… Voice starting</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="676" />
        <source>– 语音未开启</source>
        <translation>– Voice off</translation>
    </message>
</context>
<context>
    <name>HelpScreen</name>
    <message>
        <location filename="../../ui/screens/help.py" line="12" />
        <source>请到大厅服务台找工作人员，或按墙上的呼叫铃</source>
        <translation>Please go to the service desk in the hall, or press the call bell on the wall</translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="20" />
        <source>需要帮助？</source>
        <translation>Need help?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="27" />
        <source>请工作人员过来</source>
        <translation>Call a staff member</translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="32" />
        <source>◀ 回到刚才的页面</source>
        <translation>◀ Back to where I was</translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="39" />
        <source>服务电话：</source>
        <translation>Service hotline: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="48" />
        <source>正在通知工作人员……</source>
        <translation>Calling a staff member…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="53" />
        <source>已通知工作人员，请在这里稍等，马上有人过来。</source>
        <translation>A staff member has been called. Please wait here, someone is coming.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/help.py" line="55" />
        <source>没能通知到工作人员，请按上面的办法找工作人员。</source>
        <translation>We could not reach the staff; please find them as described above.</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../../ui/screens/browse.py" line="30" />
        <source>未安装语音模型</source>
        <translation>no speech model installed</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="31" />
        <source>语音模型无法载入</source>
        <translation>the speech model could not be loaded</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="32" />
        <source>没有找到麦克风</source>
        <translation>no microphone found</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="33" />
        <source>语音设备未安装</source>
        <translation>audio support is not installed</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="45" />
        <source>您好！请问您要办什么事？</source>
        <translation>Hello! What would you like to do?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="48" />
        <location filename="../../ui/screens/browse.py" line="149" />
        <source>点我说话</source>
        <translation>Tap to speak</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="52" />
        <location filename="../../ui/screens/browse.py" line="157" />
        <source>语音助手准备中</source>
        <translation>Voice assistant is starting</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="54" />
        <source>按拼音首字母查找</source>
        <translation>Search by pinyin initials</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="56" />
        <location filename="../../ui/screens/browse.py" line="101" />
        <source>长辈模式</source>
        <translation>Large print</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="66" />
        <source>常用事项</source>
        <translation>Popular services</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="101" />
        <source>普通模式</source>
        <translation>Standard mode</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="117" />
        <source>更多分类</source>
        <translation>More categories</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="137" />
        <source>现在不能用语音。请直接用手指点屏幕上的按钮，一样可以办理。</source>
        <translation>Voice is not available now. Just tap the buttons on the screen with your finger; everything works by touch.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="149" />
        <source>语音未开启</source>
        <translation>Voice is off</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="156" />
        <source>点麦克风，说出您要办的事，例如：贫困证明</source>
        <translation>Tap the microphone and say what you need</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="158" />
        <source>语音暂不可用：</source>
        <translation>Voice is not available: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="158" />
        <source>；请用按键查找</source>
        <translation>; please search with the keys</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <location filename="../../ui/screens/resident.py" line="39" />
        <source>请刷身份证</source>
        <translation>Please scan your ID card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="39" />
        <source>请用手机号验证</source>
        <translation>Please verify with your mobile number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="40" />
        <source>请把身份证放在屏幕下方的读卡区，听到“嘀”声后拿开</source>
        <translation>Place your ID card on the reader below the screen; remove it after the beep</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="47" />
        <source>演示模式：点一位演示居民，模拟刷卡</source>
        <translation>Demo mode: tap a demo resident to simulate a card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="63" />
        <source>没带身份证？用手机号验证</source>
        <translation>No ID card? Use your mobile number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="65" />
        <location filename="../../ui/screens/resident.py" line="104" />
        <source>请输入手机号</source>
        <translation>Enter your mobile number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="83" />
        <source>身份证读卡器暂时不能使用，请用手机号验证</source>
        <translation>The ID card reader is not working right now; please verify with your mobile number</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="87" />
        <source>正在读卡，请稍候……</source>
        <translation>Reading the card, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="112" />
        <source>正在核验身份，请稍候……</source>
        <translation>Checking your identity, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="125" />
        <source>手机号格式不对：是1开头的11位数字，请检查</source>
        <translation>That is not a mobile number: 11 digits starting with 1, please check</translation>
    </message>
    <message>
        <source>手机号是11位数字，请检查</source>
        <translation>A mobile number has 11 digits, please check</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="148" />
        <source>请输入短信验证码（6位）</source>
        <translation>Enter the 6-digit SMS code</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="149" />
        <source>验证码已发送</source>
        <translation>Code sent</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="149" />
        <source>验证码刚发过，请查看短信</source>
        <translation>A code was just sent; please check your messages</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="151" />
        <source>（演示模式验证码：</source>
        <translation> (demo code: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="162" />
        <source>出了点问题，请再试一次</source>
        <translation>Something went wrong, please try again</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../ui/screens/system.py" line="223" />
        <source>还需要更多时间吗？</source>
        <translation>Do you need more time?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="229" />
        <source>需要，继续办理</source>
        <translation>Yes, continue</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="230" />
        <source>不用了，结束</source>
        <translation>No, finish</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="252" />
        <source>%1 秒后将结束办理并清除您的信息</source>
        <translation>In %1 seconds this visit ends and your information is cleared</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../ui/window.py" line="84" />
        <source>打印完成，请取走您的材料</source>
        <translation>Printed. Please take your papers</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="85" />
        <source>打印机暂时不能使用，请联系工作人员</source>
        <translation>The printer cannot be used now; please ask staff</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="86" />
        <source>打印机暂停工作（可能缺纸或卡纸），请联系工作人员</source>
        <translation>The printer has stopped (paper out or jammed); please ask staff</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="87" />
        <source>打印时间过长，请查看打印机或联系工作人员</source>
        <translation>Printing is taking too long; please ask staff</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="88" />
        <source>没有连接打印机：材料已保存为文件，没有打印出纸张，请联系工作人员</source>
        <translation>No printer connected: the document was saved as a file, no paper was printed. Please ask the staff</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="91" />
        <source>演示模式：材料已保存为文件（真实终端会在这里打印出纸张）</source>
        <translation>Demo mode: saved as a file (a real terminal prints it here)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="139" />
        <location filename="../../ui/window.py" line="495" />
        <source>◀ 返回</source>
        <translation>◀ Back</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="140" />
        <location filename="../../ui/window.py" line="494" />
        <source>说话</source>
        <translation>Speak</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="142" />
        <location filename="../../ui/window.py" line="497" />
        <source>求助</source>
        <translation>Help</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="143" />
        <location filename="../../ui/window.py" line="498" />
        <source>评价本次服务</source>
        <translation>Rate this service</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="145" />
        <location filename="../../ui/window.py" line="496" />
        <source>首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="155" />
        <source>请稍候……</source>
        <translation>Please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="347" />
        <source>网络连接不上</source>
        <translation>No connection</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="348" />
        <source>暂时连不上服务系统。您可以再试一次；如急需办理，请到人工窗口。</source>
        <translation>The service system cannot be reached right now. Try again, or go to a staffed counter if it is urgent.</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="365" />
        <source>正在打印，请稍候……</source>
        <translation>Printing, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="385" />
        <source>打印没有成功，请联系工作人员</source>
        <translation>Printing failed; please ask staff</translation>
    </message>
</context>
<context>
    <name>LetterKeypad</name>
    <message>
        <location filename="../../ui/widgets.py" line="547" />
        <source>退格</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="548" />
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>ListeningScreen</name>
    <message>
        <location filename="../../ui/screens/voice.py" line="24" />
        <source>请说出您要办理的事项</source>
        <translation>Say what you need</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="25" />
        <source>例如：贫困证明、查公积金、交燃气费</source>
        <translation>For example: 贫困证明, 查公积金, 交燃气费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="40" />
        <source>再说一次</source>
        <translation>Say it again</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="41" />
        <source>说完了</source>
        <translation>I'm done</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="59" />
        <source>语音暂不可用，请用按键查找</source>
        <translation>Voice is not available; please search with the keys</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="64" />
        <source>没有找到麦克风</source>
        <translation>no microphone found</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="68" />
        <source>正在听……</source>
        <translation>Listening…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/screens/voice.py" line="99" />
        <source>为您找到 %n 项</source>
        <translation>
            <numerusform>Found %n service</numerusform><numerusform>Found %n services</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="102" />
        <source>您是不是要办“%1”？请点一下它，或再说一次</source>
        <translation>Did you mean “%1”? Tap it, or say it again</translation>
    </message>
    <message>
        <source>没有听清，请再说一次；或看看这些</source>
        <translation>Didn't catch that. Say it again, or see these</translation>
    </message>
    <message>
        <location filename="../../ui/screens/voice.py" line="105" />
        <location filename="../../ui/screens/voice.py" line="110" />
        <source>没有听清，请再说一次</source>
        <translation>Didn't catch that, please say it again</translation>
    </message>
</context>
<context>
    <name>MatterScreen</name>
    <message>
        <location filename="../../ui/screens/browse.py" line="199" />
        <source>刷身份证查询</source>
        <translation>Scan ID card to look it up</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="200" />
        <source>刷身份证开证明</source>
        <translation>Scan ID card to get the certificate</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="201" />
        <source>开始缴费</source>
        <translation>Start payment</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="202" />
        <source>开始补写</source>
        <translation>Start card rewrite</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="203" />
        <source>在这里办理</source>
        <translation>Do it here</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="204" />
        <source>在这里查询</source>
        <translation>Look it up here</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="205" />
        <source>在这里评价</source>
        <translation>Rate here</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="232" />
        <source>打印办事指南</source>
        <translation>Print the guide</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="258" />
        <source>要带什么</source>
        <translation>What to bring</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="264" />
        <source>不用带材料</source>
        <translation>Nothing to bring</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="267" />
        <source>去哪里、什么时间</source>
        <translation>Where and when</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="268" />
        <source>地点：</source>
        <translation>Place: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="268" />
        <source>时间：</source>
        <translation>Hours: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="268" />
        <source>电话：</source>
        <translation>Phone: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="276" />
        <source>要多久、花多少钱</source>
        <translation>How long and how much</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="278" />
        <source>办结时间：</source>
        <translation>Time to complete: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="280" />
        <source>费用：</source>
        <translation>Fee: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="284" />
        <source>不用跑窗口</source>
        <translation>No need to visit a counter</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/screens/browse.py" line="286" />
        <source>需要到现场 %n 次</source>
        <translation>
            <numerusform>Visits needed: %n</numerusform><numerusform>Visits needed: %n</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="292" />
        <source>谁可以办</source>
        <translation>Who can apply</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="311" />
        <source>这项事项不能在本机办理。请按上面写的地点和时间办理，或打印这份指南带上。</source>
        <translation>This service cannot be done at this kiosk. Please go to the place and at the time shown above, or print this guide to take along.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="323" />
        <source>打印机现在不能用，开出的材料暂时打印不出来。</source>
        <translation>The printer is not working now, so the document cannot be printed.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="324" />
        <source>您可以稍后再来，或到人工窗口办理；仍要继续请再点一次。</source>
        <translation>You can come back later or go to a service counter; to go on anyway, tap again.</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <location filename="../../ui/screens/system.py" line="180" />
        <source>再试一次</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="182" />
        <source>回到首页</source>
        <translation>Back to home</translation>
    </message>
</context>
<context>
    <name>NumericKeypad</name>
    <message>
        <location filename="../../ui/widgets.py" line="566" />
        <location filename="../../ui/widgets.py" line="576" />
        <source>退格</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="574" />
        <source>确定</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="37" />
        <source>暂停服务</source>
        <translation>Out of service</translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="41" />
        <source>本机暂时无法提供服务，请到人工窗口办理，给您带来不便，敬请谅解。</source>
        <translation>This terminal cannot serve you at the moment. Please go to a service counter; we apologise for the inconvenience.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="45" />
        <source>终端编号：</source>
        <translation>Terminal: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="47" />
        <source>技术支持电话：</source>
        <translation>Technical support: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/out_of_service.py" line="49" />
        <source>请联系大厅工作人员</source>
        <translation>Please ask the staff in the hall</translation>
    </message>
</context>
<context>
    <name>PayScreens</name>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="61" />
        <source>二维码 %1 分 %2 秒后失效</source>
        <translation>QR code expires in %1 min %2 s</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <location filename="../../ui/screens/system.py" line="281" />
        <source>管理员登录</source>
        <translation>Administrator sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="300" />
        <location filename="../../ui/screens/system.py" line="310" />
        <source>错误次数过多，请 %1 秒后再试</source>
        <translation>Too many wrong tries; try again in %1 seconds</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="313" />
        <source>密码不对</source>
        <translation>Wrong PIN</translation>
    </message>
</context>
<context>
    <name>RecordsScreen</name>
    <message>
        <location filename="../../ui/screens/resident.py" line="200" />
        <source>住房公积金缴存明细</source>
        <translation>Housing fund deposit statement</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="201" />
        <source>社会保险个人权益记录</source>
        <translation>Social insurance record</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="202" />
        <source>学历信息</source>
        <translation>Education records</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="203" />
        <source>自学考试成绩</source>
        <translation>Self-study exam results</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="233" />
        <source>上一页</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="234" />
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="235" />
        <source>打印明细</source>
        <translation>Print statement</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="353" />
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="354" />
        <source>缴存单位</source>
        <translation>Employer</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="355" />
        <source>缴存基数</source>
        <translation>Base</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="356" />
        <source>个人缴存</source>
        <translation>Yours</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="357" />
        <source>单位缴存</source>
        <translation>Employer's</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="358" />
        <source>账户余额</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="359" />
        <source>险种</source>
        <translation>Insurance</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="360" />
        <source>参保单位</source>
        <translation>Employer</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="361" />
        <source>缴费基数</source>
        <translation>Base</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="362" />
        <source>个人缴纳</source>
        <translation>Yours</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="363" />
        <source>单位缴纳</source>
        <translation>Employer's</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="364" />
        <source>类别</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="365" />
        <source>学校或机构</source>
        <translation>School or institution</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="366" />
        <source>专业</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="367" />
        <source>层次</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="368" />
        <source>时间</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="369" />
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="277" />
        <source>正在查询，请稍候……</source>
        <translation>Looking it up, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="297" />
        <source>第 %1 页，共 %2 页，共 %3 条</source>
        <translation>Page %1 of %2, %3 rows</translation>
    </message>
    <message>
        <location filename="../../ui/screens/resident.py" line="310" />
        <source>查询没有成功，请再试一次</source>
        <translation>The lookup failed, please try again</translation>
    </message>
</context>
<context>
    <name>RewriteScreen</name>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="880" />
        <source>燃气卡补写</source>
        <translation>Write pending gas to card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="881" />
        <location filename="../../ui/screens/topup_pay.py" line="952" />
        <source>请把燃气卡插入屏幕下方的读卡口，然后点“读卡补写”</source>
        <translation>Insert your gas card below the screen, then tap “Read and write”</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="887" />
        <source>演示模式：点一个户号，模拟插入它的燃气卡</source>
        <translation>Demo mode: tap an account to insert its card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="894" />
        <source>读卡补写</source>
        <translation>Read and write</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="905" />
        <source>已插入演示燃气卡</source>
        <translation>Demo card inserted</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="914" />
        <source>正在读卡，请不要拔卡……</source>
        <translation>Reading the card, do not remove it…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="940" />
        <source>这张卡没有待写入的购气</source>
        <translation>Nothing is waiting to be written to this card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="944" />
        <source>补写成功：%1 笔，共 %2 元。请把燃气卡插回燃气表</source>
        <translation>Written: %1 purchase(s), %2 yuan. Put the card back into your meter</translation>
    </message>
</context>
<context>
    <name>SearchScreen</name>
    <message>
        <location filename="../../ui/screens/browse.py" line="352" />
        <source>按拼音首字母查找</source>
        <translation>Search by pinyin initials</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="353" />
        <source>例如：贫困证明，按 P K Z M</source>
        <translation>Example: for 贫困证明 press P K Z M</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="376" />
        <source>正在准备查找，请稍候……</source>
        <translation>Getting search ready, one moment…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/screens/browse.py" line="394" />
        <source>为您找到 %n 项</source>
        <translation>
            <numerusform>Found %n service</numerusform><numerusform>Found %n services</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="396" />
        <source>您是不是要办：</source>
        <translation>Did you mean:</translation>
    </message>
    <message>
        <source>没有完全对应的事项，您可以看看这些</source>
        <translation>No exact match. You may want these</translation>
    </message>
    <message>
        <location filename="../../ui/screens/browse.py" line="398" />
        <source>没有找到，请换几个字母试试，或点“首页”按分类找</source>
        <translation>Nothing found. Try other letters, or go Home to browse categories</translation>
    </message>
</context>
<context>
    <name>TopupPayScreen</name>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="112" />
        <source>燃气充值</source>
        <translation>Gas top-up</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="127" />
        <location filename="../../ui/screens/topup_pay.py" line="158" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="128" />
        <source>模拟插卡</source>
        <translation>Insert demo card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="165" />
        <source>户号：</source>
        <translation>Account: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="166" />
        <source>户名：</source>
        <translation>Name: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="167" />
        <source>充值金额：</source>
        <translation>Amount: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="167" />
        <source>元</source>
        <translation> yuan</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="172" />
        <source>请确认充值金额</source>
        <translation>Please confirm the amount</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="173" />
        <source>确认后显示付款二维码</source>
        <translation>A payment QR code follows</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="174" />
        <source>确认，去付款</source>
        <translation>Confirm and pay</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="180" />
        <source>这个户号有 %1 笔已付款、还没写入燃气卡的购气</source>
        <translation>This account has %1 paid purchase(s) not yet on its gas card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="183" />
        <source>请先插卡补写，再充值新的；没带卡也可以继续充值</source>
        <translation>Please write them to the card first; without the card you can still top up</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="184" />
        <source>先补写卡</source>
        <translation>Write to card first</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="186" />
        <source>继续充值</source>
        <translation>Top up anyway</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="202" />
        <source>已付款，请先插卡写卡。没带卡可点“首页”离开：钱不会丢失，</source>
        <translation>Paid: please insert the card and write it first. Without the card, tap “Home”: your money is safe, </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="203" />
        <source>会打印待写卡通知，凭它到任意自助终端补写</source>
        <translation>a note is printed; write the card later at any kiosk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="250" />
        <source>正在生成订单……</source>
        <translation>Creating the order…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="280" />
        <source>请用手机扫码付款</source>
        <translation>Scan with your phone to pay</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="324" />
        <source>付款在取消之前已经完成，钱不会丢失。</source>
        <translation>The payment went through before the cancel; your money is safe. </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="335" />
        <source>二维码已失效，没有扣款</source>
        <translation>The QR code has expired; nothing was charged</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="336" />
        <source>还要充值，请点“重新生成二维码”</source>
        <translation>To top up, tap “New QR code”</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="337" />
        <source>重新生成二维码</source>
        <translation>New QR code</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="323" />
        <source>付款成功！请插入燃气卡</source>
        <translation>Paid! Please insert your gas card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="325" />
        <source>把燃气卡插入屏幕下方的读卡口，然后点“写卡”</source>
        <translation>Insert the gas card below the screen, then tap “Write card”</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="326" />
        <location filename="../../ui/screens/topup_pay.py" line="400" />
        <source>写卡</source>
        <translation>Write card</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="331" />
        <source>充值成功，已直接充到燃气表</source>
        <translation>Done: credited directly to your meter</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="342" />
        <location filename="../../ui/screens/topup_pay.py" line="441" />
        <source>回到首页</source>
        <translation>Back to home</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="342" />
        <source>订单已取消，没有扣款</source>
        <translation>Order cancelled, nothing was charged</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="347" />
        <source>网络不稳定，正在重新查询付款结果……</source>
        <translation>Network unstable, checking the payment again…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="361" />
        <source>正在取消……</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="369" />
        <source>已插入演示燃气卡</source>
        <translation>Demo card inserted</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="378" />
        <source>正在写卡，请不要拔卡……</source>
        <translation>Writing the card, do not remove it…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="392" />
        <source>写卡成功！请把燃气卡插回燃气表</source>
        <translation>Card written! Put it back into your gas meter</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="398" />
        <source>写卡没有成功</source>
        <translation>The card write failed</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="399" />
        <source>已付款的金额不会丢失；可以重新插卡后再点“写卡”</source>
        <translation>Your payment is safe; reinsert the card and tap “Write card” again</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="406" />
        <source>正在打印凭证……</source>
        <translation>Printing the receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="406" />
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="428" />
        <source>凭证没有打印出来，请联系工作人员</source>
        <translation>The receipt did not print; please ask staff</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="440" />
        <source>没有成功，请再试一次</source>
        <translation>That did not work, please try again</translation>
    </message>
</context>
<context>
    <name>TopupScreen</name>
    <message>
        <location filename="../../ui/screens/system.py" line="25" />
        <source>燃气充值</source>
        <translation>Gas top-up</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="27" />
        <source>请输入燃气户号（在燃气缴费单或燃气卡上）</source>
        <translation>Enter the gas account number (on your bill or card)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="40" />
        <source>先补写卡</source>
        <translation>Write to card first</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="65" />
        <source>演示模式：可以试户号 </source>
        <translation>Demo mode: try account </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="70" />
        <source>户号至少6位，请核对缴费单</source>
        <translation>The account number has at least 6 digits; check your bill</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="72" />
        <source>正在查询户号……</source>
        <translation>Looking up the account…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="85" />
        <source>IC卡表（充值后需插卡写入）</source>
        <translation>IC-card meter (insert the card after paying)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="87" />
        <source>远传表（充值后直接到账）</source>
        <translation>Smart meter (credited directly)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="89" />
        <source>元</source>
        <translation> yuan</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="91" />
        <source>户号：</source>
        <translation>Account: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="92" />
        <source>户名：</source>
        <translation>Name: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="93" />
        <source>地址：</source>
        <translation>Address: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="94" />
        <source>余额：</source>
        <translation>Balance: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="95" />
        <source>表类型：</source>
        <translation>Meter: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="98" />
        <source>您有已付款未写卡的购气，请先补写卡</source>
        <translation>You have paid gas not yet written to your card: please write it first</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="114" />
        <source>请核对户名和地址，然后选择充值金额</source>
        <translation>Check the name and address, then choose an amount</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="118" />
        <source>其他金额（%1–%2元），输入后点“确定”</source>
        <translation>Other amount (%1–%2 yuan), then tap OK</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="129" />
        <source>请选择金额，或输入其他金额</source>
        <translation>Choose an amount, or type another</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="135" />
        <source>充值金额需在%1元到%2元之间</source>
        <translation>The amount must be between %1 and %2 yuan</translation>
    </message>
    <message>
        <location filename="../../ui/screens/system.py" line="165" />
        <source>请输入燃气户号（在燃气缴费单或燃气卡上），或扫描缴费单上的条码</source>
        <translation>Enter the gas account number (on your bill or card), or scan the bill's barcode</translation>
    </message>
</context>
<context>
    <name>UtilityScreen</name>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="470" />
        <source>自来水费缴纳</source>
        <translation>Pay the water bill</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="471" />
        <source>请输入水费户号（在水费单上），或扫描水费单上的条码</source>
        <translation>Type the water account number (on your water bill), or scan the bill's barcode</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="474" />
        <source>居民电费缴纳</source>
        <translation>Pay the electricity bill</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="475" />
        <source>请输入电费户号（在电费单上），或扫描电费单上的条码</source>
        <translation>Type the electricity account number (on your bill), or scan the bill's barcode</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="478" />
        <source>供暖费缴纳</source>
        <translation>Pay the heating bill</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="479" />
        <source>请输入供暖户号（在缴费单上），或扫描缴费单上的条码</source>
        <translation>Type the heating account number (on your bill), or scan the bill's barcode</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="543" />
        <source>重新生成二维码</source>
        <translation>New QR code</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="548" />
        <location filename="../../ui/screens/topup_pay.py" line="665" />
        <location filename="../../ui/screens/topup_pay.py" line="748" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="584" />
        <source>演示模式：可以试户号 </source>
        <translation>Demo mode: try account </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="600" />
        <source>户号至少6位，请核对缴费单</source>
        <translation>The account number has at least 6 digits; check your bill</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="602" />
        <source>正在查询户号……</source>
        <translation>Looking up the account…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="612" />
        <source>请选择金额，或输入其他金额</source>
        <translation>Choose an amount, or type another</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="619" />
        <location filename="../../ui/screens/topup_pay.py" line="662" />
        <location filename="../../ui/screens/topup_pay.py" line="752" />
        <source>元</source>
        <translation> yuan</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="623" />
        <source>户号：</source>
        <translation>Account: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="624" />
        <source>户名：</source>
        <translation>Name: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="625" />
        <source>地址：</source>
        <translation>Address: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="626" />
        <source>应缴：</source>
        <translation>Due: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="642" />
        <source>请核对户名和地址，然后选择缴费金额，或输入其他金额（元）</source>
        <translation>Check the name and address, then choose an amount or type another amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="650" />
        <source>缴费金额需在%1元到%2元之间</source>
        <translation>The amount must be between %1 and %2 yuan</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="662" />
        <source>请确认缴费金额：</source>
        <translation>Please confirm the amount: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="664" />
        <source>确认后显示付款二维码</source>
        <translation>A payment QR code follows</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="665" />
        <source>确认，去付款</source>
        <translation>Confirm and pay</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="698" />
        <source>正在取消……</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="711" />
        <source>没有取消成功，请再试一次</source>
        <translation>The order could not be cancelled; please try again</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="738" />
        <source>正在生成订单……</source>
        <translation>Creating the order…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="752" />
        <source>请用手机扫码付款：</source>
        <translation>Scan with your phone to pay: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="762" />
        <source>网络不稳定，正在重新查询付款结果……</source>
        <translation>Network unstable, checking the payment again…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="791" />
        <source>缴费成功！</source>
        <translation>Paid!</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="793" />
        <source>付款在取消之前已经完成，已缴费入账。</source>
        <translation>The payment went through before the cancel; the bill is paid.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="794" />
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="799" />
        <source>二维码已失效，没有扣款</source>
        <translation>The QR code has expired; nothing was charged</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="800" />
        <source>还要缴费，请点“重新生成二维码”</source>
        <translation>To pay, tap “New QR code”</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="810" />
        <source>订单已取消，没有扣款</source>
        <translation>Order cancelled, nothing was charged</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="812" />
        <source>回到首页</source>
        <translation>Back to home</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="822" />
        <source>正在打印凭证……</source>
        <translation>Printing the receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="830" />
        <source>凭证没有打印出来，请联系工作人员</source>
        <translation>The receipt did not print; please ask staff</translation>
    </message>
    <message>
        <location filename="../../ui/screens/topup_pay.py" line="847" />
        <source>没有成功，请再试一次</source>
        <translation>That did not work, please try again</translation>
    </message>
</context>
<context>
    <name>VerifyScreen</name>
    <message>
        <location filename="../../ui/screens/verify.py" line="28" />
        <source>证明文件核验</source>
        <translation>Check a certificate</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="30" />
        <source>请把证明右下角的二维码对准扫码口，听到“嘀”声后稍等。</source>
        <translation>Hold the QR code at the bottom right of the certificate to the scanner and wait for the beep.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="34" />
        <source>没有扫码口时，也可以用手机扫描证明上的二维码，在手机上查看核验结果。</source>
        <translation>Without a scanner, scan the certificate's QR code with a phone to see the result there.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="50" />
        <source>等待扫码……</source>
        <translation>Waiting for a scan…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="66" />
        <source>正在核验，请稍候……</source>
        <translation>Checking, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="76" />
        <source>证明：</source>
        <translation>Certificate: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="77" />
        <source>持证人：</source>
        <translation>Holder: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="78" />
        <source>开具单位：</source>
        <translation>Issued by: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="79" />
        <source>开具日期：</source>
        <translation>Issued on: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="82" />
        <source>有效期至：</source>
        <translation>Valid until: </translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="86" />
        <source>这份证明已作废，不能再使用。</source>
        <translation>This certificate has been revoked and can no longer be used.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="88" />
        <source>这份证明已过有效期，请重新开具。</source>
        <translation>This certificate has expired; please have a new one issued.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="90" />
        <source>这份证明是真的，目前有效。请核对上面的持证人信息。</source>
        <translation>This certificate is genuine and valid. Please check the holder's details above.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/verify.py" line="94" />
        <source>没有查到这份证明，请确认二维码完整后再扫一次</source>
        <translation>This certificate was not found; make sure the QR code is whole and scan again</translation>
    </message>
</context>
</TS>