"""English wording for the UI, filled into assets/translations/kiosk_en_US.ts.

Run after `pyside6-lupdate` has refreshed the .ts file:
    uv run python tools/translations_en.py
scripts/setup compiles the .ts into the .qm the app loads (pyside6-lrelease).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "assets" / "translations" / "kiosk_en_US.ts"

EN = {
    "%1 秒后将结束办理并清除您的信息": "In %1 seconds this visit ends and your information is cleared",
    "IC卡表（充值后需插卡写入）": "IC-card meter (insert the card after paying)",
    "◀ 返回": "◀ Back",
    "上一页": "Previous page",
    "下一页": "Next page",
    "不用了，结束": "No, finish",
    "不用带材料": "Nothing to bring",
    "不用跑窗口": "No need to visit a counter",
    "为您找到 %n 项": "Found %n services",
    "住房公积金缴存明细": "Housing fund deposit statement",
    "例如：贫困证明，按 P K Z M": "Example: for 贫困证明 press P K Z M",
    "全部分类": "All categories",
    "再试一次": "Try again",
    "出了点问题，请再试一次": "Something went wrong, please try again",
    "刷身份证开证明": "Scan ID card to get the certificate",
    "刷身份证查询": "Scan ID card to look it up",
    "办结时间：": "Time to complete: ",
    "去哪里、什么时间": "Where and when",
    "回到首页": "Back to home",
    "地点：": "Place: ",
    "学历信息": "Education records",
    "密码不对": "Wrong PIN",
    "已装纸（计数清零）": "Paper loaded (reset counter)",
    "已载入清单 ": "Loaded catalog ",
    "常用事项": "Popular services",
    "开具没有成功，请再试一次": "The certificate could not be issued, please try again",
    "开始缴费": "Start payment",
    "您好！请问您要办什么事？": "Hello! What would you like to do?",
    "您有已付款未写卡的购气，请先补写卡": "You have paid gas not yet written to your card: "
    "please write it first",
    "户号至少6位，请核对缴费单": "The account number has at least 6 digits; check your bill",
    "手机号是11位数字，请检查": "A mobile number has 11 digits, please check",
    "打印办事指南": "Print the guide",
    "打印完成，请取走您的材料": "Printed. Please take your papers",
    "打印时间过长，请查看打印机或联系工作人员": "Printing is taking too long; please ask staff",
    "打印明细": "Print statement",
    "打印机暂停工作（可能缺纸或卡纸），请联系工作人员": "The printer has stopped (paper out or jammed); please ask staff",
    "打印机暂时不能使用，请联系工作人员": "The printer cannot be used now; please ask staff",
    "打印没有成功，请联系工作人员": "Printing failed; please ask staff",
    "打印测试页": "Print test page",
    "打印证明": "Print certificate",
    "按拼音首字母查找": "Search by pinyin initials",
    "时间：": "Hours: ",
    "普通模式": "Standard mode",
    "暂时连不上服务系统。您可以再试一次；如急需办理，请到人工窗口。": "The service system cannot be reached right now. Try again, or go to a staffed "
    "counter if it is urgent.",
    "更多分类": "More categories",
    "查询没有成功，请再试一次": "The lookup failed, please try again",
    "正在开具，请稍候……": "Issuing, please wait…",
    "正在打印，请稍候……": "Printing, please wait…",
    "正在查询户号……": "Looking up the account…",
    "正在查询，请稍候……": "Looking it up, please wait…",
    "正在核验身份，请稍候……": "Checking your identity, please wait…",
    "没带身份证？用手机号验证": "No ID card? Use your mobile number",
    "没有完全对应的事项，您可以看看这些": "No exact match. You may want these",
    "没有找到，请换几个字母试试，或点“首页”按分类找": "Nothing found. Try other letters, or go Home to browse categories",
    "清单有误，继续使用原清单：": "The new catalog has errors; keeping the current one: ",
    "演示模式：点一位演示居民，模拟刷卡": "Demo mode: tap a demo resident to simulate a card",
    "点我说话": "Tap to speak",
    "点麦克风，说出您要办的事，例如：贫困证明": "Tap the microphone and say what you need",
    "燃气充值": "Gas top-up",
    "电话：": "Phone: ",
    "社会保险个人权益记录": "Social insurance record",
    "第 %1 页，共 %2 页，共 %3 条": "Page %1 of %2, %3 rows",
    "管理员登录": "Administrator sign-in",
    "终端管理": "Terminal administration",
    "缴费暂未开通，请到燃气营业厅办理": "Payment is not available yet; please visit the gas office",
    "网络连接不上": "No connection",
    "自学考试成绩": "Self-study exam results",
    "要多久、花多少钱": "How long and how much",
    "要带什么": "What to bring",
    "证明预览": "Certificate preview",
    "语音助手准备中": "Voice assistant is starting",
    "语音暂不可用：": "Voice is not available: ",
    "请刷身份证": "Please scan your ID card",
    "请把身份证放在屏幕下方的读卡区，听到“嘀”声后拿开": "Place your ID card on the reader below the screen; remove it after the beep",
    "请核对内容，无误后点“打印证明”": "Check the content, then tap “Print certificate”",
    "请核对户名和地址，然后选择充值金额": "Check the name and address, then choose an amount",
    "请稍候……": "Please wait…",
    "请输入手机号": "Enter your mobile number",
    "请输入燃气户号（在燃气缴费单或燃气卡上）": "Enter the gas account number (on your bill or card)",
    "请输入短信验证码（6位）": "Enter the 6-digit SMS code",
    "谁可以办": "Who can apply",
    "费用：": "Fee: ",
    "还需要更多时间吗？": "Do you need more time?",
    "这份证明暂时不能在自助终端开具，请到窗口办理。": "This certificate cannot be issued here yet; please go to a counter.",
    "这项查询暂时不能在自助终端办理，请到窗口办理。": "This lookup is not available here yet; please go to a counter.",
    "远传表（充值后直接到账）": "Smart meter (credited directly)",
    "退出终端程序": "Exit the kiosk program",
    "重新载入事项清单": "Reload catalog",
    "错误次数过多，请 %1 秒后再试": "Too many wrong tries; try again in %1 seconds",
    "长辈模式": "Large print",
    "需要到现场 %n 次": "Visits needed: %n",
    "需要，继续办理": "Yes, continue",
    "首页": "Home",
    "验证码刚发过，请查看短信": "A code was just sent; please check your messages",
    "验证码已发送": "Code sent",
    "验证码：": "Verification code: ",
    "（演示模式验证码：": " (demo code: ",
    "；请用按键查找": "; please search with the keys",
    "户号：": "Account: ",
    "户名：": "Name: ",
    "地址：": "Address: ",
    "余额：": "Balance: ",
    "元": " yuan",
    "表类型：": "Meter: ",
    "● 网络正常": "● Network OK",
    "✖ 网络中断": "✖ Network down",
    "● 打印正常": "● Printer OK",
    "▲ 纸张不多": "▲ Paper low",
    "✖ 打印机缺纸": "✖ Printer out of paper",
    "✖ 打印机故障": "✖ Printer fault",
    "● 语音可用": "● Voice ready",
    "… 语音准备中": "… Voice starting",
    "– 语音未开启": "– Voice off",
    "未安装语音模型": "no speech model installed",
    "语音模型无法载入": "the speech model could not be loaded",
    "没有找到麦克风": "no microphone found",
    "语音设备未安装": "audio support is not installed",
    "说话": "Speak",
    "请说出您要办理的事项": "Say what you need",
    "例如：贫困证明、查公积金、交燃气费": "For example: 贫困证明, 查公积金, 交燃气费",
    "再说一次": "Say it again",
    "说完了": "I'm done",
    "语音暂不可用，请用按键查找": "Voice is not available; please search with the keys",
    "正在听……": "Listening…",
    "没有听清，请再说一次；或看看这些": "Didn't catch that. Say it again, or see these",
    "没有听清，请再说一次": "Didn't catch that, please say it again",
    "正在准备查找，请稍候……": "Getting search ready, one moment…",
    "语音测试": "Voice test",
    "政务服务自助终端": "Government self-service kiosk",
    "请触摸屏幕开始办理": "Touch the screen to begin",
    "可以查公积金、社保，开证明，交燃气费……": "Look up your housing fund and social insurance, "
    "get certificates, top up gas…",
    "开始办理": "Begin",
    "在这里办理": "Do it here",
    "反映问题": "Report a problem",
    "请选择您要反映的问题，再输入手机号，工作人员会回电了解详情": "Choose what the problem is about and enter your mobile number; staff will call you back",
    "噪音扰民": "Noise",
    "道路破损": "Damaged road",
    "路灯不亮": "Street light out",
    "供水供气": "Water or gas supply",
    "环境卫生": "Sanitation",
    "物业纠纷": "Property management",
    "拖欠工资": "Unpaid wages",
    "其他问题": "Something else",
    "请输入诉求编号（19位），再输入验证码": "Enter the 19-digit case number, then the code",
    "诉求编号": "Case number",
    "请输入办件编号，再选择您的评价": "Enter the case number, then choose your rating",
    "非常满意": "Very satisfied",
    "满意": "Satisfied",
    "基本满意": "Fairly satisfied",
    "不满意": "Dissatisfied",
    "非常不满意": "Very dissatisfied",
    "办件编号": "Case number",
    "已选择：": "Chosen: ",
    "请先选择要反映的问题": "Please choose what the problem is about first",
    "诉求编号是19位数字，请检查": "The case number has 19 digits, please check",
    "验证码（6位）": "Code (6 digits)",
    "请输入办件编号": "Please enter the case number",
    "请选择您的评价": "Please choose your rating",
    "感谢您的评价！": "Thank you for your rating!",
    "已提交，工作人员会尽快回电。\n请记下：\n诉求编号 ": "Sent. Staff will call you back soon.\nPlease note:\nCase number ",
    "\n验证码 ": "\nCode ",
    "办理状态：": "Status: ",
    "答复：": "Reply: ",
    "没有成功，请再试一次": "That did not work, please try again",
    "取消": "Cancel",
    "模拟插卡": "Insert demo card",
    "充值金额：": "Amount: ",
    "请确认充值金额": "Please confirm the amount",
    "确认后显示付款二维码": "A payment QR code follows",
    "确认，去付款": "Confirm and pay",
    "正在生成订单……": "Creating the order…",
    "请用手机扫码付款": "Scan with your phone to pay",
    "二维码 %1 分 %2 秒后失效": "QR code expires in %1 min %2 s",
    "付款成功！请插入燃气卡": "Paid! Please insert your gas card",
    "把燃气卡插入屏幕下方的读卡口，然后点“写卡”": "Insert the gas card below the screen, then tap “Write card”",
    "写卡": "Write card",
    "充值成功，已直接充到燃气表": "Done: credited directly to your meter",
    "二维码已失效，订单已取消，没有扣款": "The QR code expired; the order is cancelled, nothing was charged",
    "订单已取消，没有扣款": "Order cancelled, nothing was charged",
    "网络不稳定，正在重新查询付款结果……": "Network unstable, checking the payment again…",
    "正在取消……": "Cancelling…",
    "已插入演示燃气卡": "Demo card inserted",
    "正在写卡，请不要拔卡……": "Writing the card, do not remove it…",
    "写卡成功！请把燃气卡插回燃气表": "Card written! Put it back into your gas meter",
    "写卡没有成功": "The card write failed",
    "已付款的金额不会丢失；可以重新插卡后再点“写卡”": "Your payment is safe; reinsert the card and tap “Write card” again",
    "正在打印凭证……": "Printing the receipt…",
    "完成": "Done",
    "凭证没有打印出来，请联系工作人员": "The receipt did not print; please ask staff",
    "正在核对未完成的充值……": "Checking unfinished top-ups…",
    "没有未完成的充值": "No unfinished top-ups",
    "需要处理的充值：": "Top-ups needing attention:",
    "正在核对，请稍后再查": "Being checked, look again later",
}


def main() -> int:
    tree = ET.parse(TS)
    missing = []
    for msg in tree.iter("message"):
        src = msg.findtext("source") or ""
        tr = msg.find("translation")
        text = EN.get(src)
        if text is None:
            missing.append(src)
            continue
        if msg.get("numerus") == "yes":
            for child in list(tr):
                tr.remove(child)
            for form in (text.replace("services", "service").replace("%n", "%n"), text):
                ET.SubElement(tr, "numerusform").text = form
        else:
            tr.text = text
        tr.attrib.pop("type", None)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for src in missing:
        print("untranslated:", src, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
