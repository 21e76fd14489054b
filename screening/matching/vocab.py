"""Word lists the name analyser uses to tell a party's distinctive words from its legal form,
its trade words and its place names.

Provenance: compiled by hand for this project (no third-party list was copied). Legal forms follow
the company-law abbreviations of the jurisdictions that dominate the sanctions and export-control
lists (US/UK, EU member states, Russia/Ukraine/Belarus in the BGN/PCGN and anyascii
transliterations, China in Hanyu Pinyin, Iran, Turkey, the Gulf free zones); the ISO 20275 Entity
Legal Forms code list is the reference for their meaning. Places are every ISO 3166 country (its
short, common and official English names, from pycountry, added in normalize.py), the demonyms of
the countries that recur on the lists, China's provinces and main cities (official pinyin) and the
other cities that recur as name prefixes in the real list files in tests/fixtures. The Chinese
words are the standard terms for company forms and trades with their Hanyu Pinyin.

Everything here is written in the form `normalize_name` produces (lower-case ASCII words), except
`CJK_WORDS`, which is read before transliteration. Multi-word entries are matched as phrases.
"""

from __future__ import annotations

from collections.abc import Mapping


def _pairs(block: str) -> dict[str, tuple[str, ...]]:
    """Parse `variant[, variant...] => canonical [canonical...]` entries (an entry may run over
    several lines: it ends at its `=>`)."""
    out: dict[str, tuple[str, ...]] = {}
    pending = ""
    for line in block.strip().splitlines():
        pending += " " + line
        if "=>" not in line:
            continue
        variants, _, canonical = pending.partition("=>")
        pending = ""
        target = tuple(canonical.split())
        for variant in variants.split(","):
            out[" ".join(variant.split())] = target
    return out


def _words(block: str) -> frozenset[str]:
    return frozenset(" ".join(w.split()) for w in block.replace("\n", ",").split(",") if w.strip())


# Legal forms and company-type words: recognised, canonicalised, weighted low.
LEGAL_FORMS: Mapping[str, tuple[str, ...]] = _pairs("""
co, company, companies, cos, compania, companhia, compagnie, kompaniya, kompanija => co
ltd, limited, ltda, lda, ltee => ltd
co ltd, company limited, company ltd, co limited => co ltd
llc, l l c, limited liability company, limited liability co, ltd liability co => llc
limited liability partnership, llp, l l p => llp
lp, limited partnership => lp
inc, incorporated => inc
corp, corporation, corporacion, korporatsiya, korporatsiia => corp
plc, public limited company, public company limited, pcl => plc
gmbh, gesellschaft mit beschrankter haftung, mbh => gmbh
gmbh co kg, kg, kgaa, ohg => kg
ag, aktiengesellschaft => ag
sa, s a, sociedad anonima, societe anonyme, sociedade anonima => sa
sa de cv, s a de c v, sapi de cv, sab de cv => sa
s de rl, s de rl de cv, s de r l de c v, srl de cv => srl
srl, s r l, sarl, s a r l, sl, s l, sro, s r o, spa, s p a, sas, s a s, sac, saic, eirl, sci => srl
bv, b v, nv, n v, vof, ab, oy, oyj, as, a s, asa, aps, kft, zrt, nyrt, ead, ood, doo, d o o,
dooel => sa
sp z o o, sp z oo, spzoo, sp zoo, spolka z ograniczona odpowiedzialnoscia,
spolka z o o, spolka z oo => llc
sp k, sp j, spolka komandytowa, spolka jawna, spolka akcyjna => sa
societate cu raspundere limitata, societatea cu raspundere limitata, s c, sc => srl
societate pe actiuni => sa
ano, avtonomnaya nekommercheskaya organizatsiya, nko, nekommercheskaya organizatsiya,
nekommercheskoe partnerstvo, fgbu, fgau, fgku, fku, gbu, gku, gau, mbu, mku, mau => ano
ip, individualnyi predprinimatel, fop, pp, pryvatne pidpryiemstvo, chastnoe predpriyatie,
chp, uchp, chup, chuup, iup, sooo, iooo, odo, zat, vat, pat, prat, tdv,
additional liability company,
obshchestvo s dopolnitelnoy otvetstvennostyu, obshchestvo s dopolnitelnoi otvetstvennostiu => llc
se, societas europaea, ug, e k, jv, joint venture => co
ooo, obshchestvo s ogranichennoi otvetstvennostyu, obshchestvo s ogranichennoy otvetstvennostyu,
obshchestvo s ogranichennoi otvetstvennostiu, obshchestvo s ogranichennoy otvetstvennostiu,
obshestvo s ogranichennoi otvetstvennostyu => llc
tov, tovarystvo z obmezhenoiu vidpovidalnistiu, tovarystvo z obmezhenoyu vidpovidalnistyu => llc
jsc, joint stock company, joint stock co, joint stock, jsco, pjs, private joint stock company,
ao, aktsionernoe obshchestvo, aktsionernoye obshchestvo, a o, ad, aksionernoe obshchestvo => jsc
ojsc, open joint stock company, oao, otkrytoe aktsionernoe obshchestvo, otkrytoye aktsionernoye
obshchestvo => jsc
cjsc, closed joint stock company, zao, szao, zakrytoe aktsionernoe obshchestvo, zakrytoye
aktsionernoye obshchestvo => jsc
pjsc, public joint stock company, pao, publichnoe aktsionernoe obshchestvo, publichnoye
aktsionernoye obshchestvo => jsc
fgup, fgbu, fgbou, fsue, federal state unitary enterprise, gup, mup, ogup, federalnoe
gosudarstvennoe unitarnoe predpriyatie => fsue
ltd sti, sti, sirketi, anonim sirketi, limited sirketi, as sirketi => co
pte, pte ltd, private limited, pvt, pvt ltd, private ltd => ltd
pty, pty ltd, proprietary limited => ltd
bhd, berhad, sdn, sdn bhd, sendirian berhad, tbk, pt, cv => ltd
fze, fzco, fzc, fzllc, fz llc, fz co, fze llc, dmcc, fzd, wll, w l l, spc, est,
establishment => llc
kk, kabushiki kaisha, yugen kaisha, jusik hoesa, jusighoesa, zhushihuishe => co
youxian gongsi, gufen youxian gongsi, youxian zeren gongsi, youxiangongsi,
youxianzerengongsi => co ltd
gongsi, zong gongsi, gufen, zeren, youxian => co
sherkat, sherkate, shirkat, sharikat, sharika, sharikah, shrkh, shrkt, sharikat al => co
""")

# The single words of the legal-form phrases above, recognised alone too (a query that reorders
# "Limited Liability Company" still has legal-form words, not distinctive ones).
LEGAL_WORDS = _words("""
liability, joint, stock, obshchestvo, obshestvo, ogranichennoi, ogranichennoy, otvetstvennostyu,
otvetstvennostiu, dopolnitelnoy, dopolnitelnoi, aktsionernoe, aktsionernoye, otkrytoe, otkrytoye,
zakrytoe, zakrytoye, otkrytogo, zakrytogo, tipa, publichnoe,
publichnoye, gesellschaft, beschrankter, haftung, sociedad, anonima, anonim, sprl, s p r l, spr,
tovarystvo, obmezhenoiu, vidpovidalnistiu, unitary, unitarnoe, kaisha, hoesa, open, closed,
otkrytoe, zakrytoe, raspundere, limitata, societate, spolka, ograniczona, odpowiedzialnoscia
""")

# Trade and descriptive words common to many unrelated parties: weighted low, canonicalised.
GENERIC: Mapping[str, tuple[str, ...]] = _pairs("""
technology, technologies, tech, techs, technological, tecnologia, tecnologias, teknoloji,
tekhnologii, tekhnologiya, technologie, keji, jishu, hi tech, hitech, high tech,
hightech => technology
digital, shuzi => digital
trading, trade, traders, trader, tradings, commerce, commercial, comercial, comercio, commercio,
ticaret, tejarat, bazargani, maoyi, torgovyi, torgovaya, torgovy, torgovoe => trading
international, intl, internacional, internationale, internatsional, internatsionalnyi, guoji,
beynelmilel => international
group, groups, grupo, gruppa, grupa, gruppe, grupp, jituan, concern, kontsern => group
holding, holdings, konggu, kholding, kholdingovaya, kholdingovaia => holding
industrial, industries, industry, industrie, industrias, industria, ind, sanayi, sanaye, sanat,
gongye, shiye, promyshlennyi, promyshlennaya => industry
electronics, electronic, electronique, elektronika, elektronik, electro, dianzi,
elektronnyi => electronics
electric, electrical, electricals, elektrik, elektro, dianqi => electrical
microelectronics, microelectronic, weidianzi, mikroelektronika => microelectronics
engineering, engineers, eng, ingenieria, mohandesi, gongcheng, inzhiniring => engineering
manufacturing, manufacturer, manufacturers, mfg, zhizao, production, produktsiya, proizvodstvo,
proizvodstvennoe, proizvodstvennaya, proizvodstvennyi => manufacturing
development, developments, fazhan, razvitie => development
services, service, servicios, svc, servis, servisy => services
systems, system, sistemas, sistemy, xitong => systems
solutions, solution => solutions
products, product, produkty => products
import, export, imports, exports, importexport, jinchukou, impex, imp, exp, ithalat, ihracat
=> import export
general, generale => general
global, worldwide => global
science, sciences, scientific, nauchno, nauchnyi, nauchnoe, kexue, elmi, research,
issledovatelskiy, issledovatelskii, issledovatelskogo, research and development => research
institute, institution, institut, inst, instituto, yanjiusuo, yanjiuyuan => institute
university, univ, universitet, universidad, daxue => university
academy, academia, akademiya, kexueyuan => academy
investment, investments, invest, investing, touzi, investitsii => investment
communication, communications, comm, comms, tongxin, kommunikatsii, svyaz => communication
telecom, telecommunication, telecommunications, telecoms, dianxin => telecom
network, networks, networking, wangluo => network
information, info, xinxi, informatsionnye => information
software, ruanjian => software
equipment, equipments, shebei, oborudovanie => equipment
machinery, machine, machines, machinebuilding, mashinostroenie,
mashinostroitelnyi, jixie => machinery
materials, material, cailiao => materials
energy, energetics, energiya, nengyuan => energy
power, dongli => power
chemical, chemicals, chemistry, huagong, khimiya => chemical
construction, constructions, building, stroitelnaya, stroitelstvo, jianshe => construction
shipping, ships, marine, maritime, navigation, lines, line, chuanbo, shipbuilding, sudostroitelny,
sudostroitelnyi, sudostroitelnaya, sudostroitelnoe, sudostroyitelnaya, sudoremontny,
sudoremontnyi, dockyard, shipyard, shipyards => shipping
transport, transportation, transportnaya, yunshu => transport
logistics, logistic, logistika, wuliu => logistics
bank, banking, banque, banco, bankasi, yinhang => bank
finance, financial, financing, financiera, jinrong => finance
insurance, insurer, baoxian => insurance
petroleum, petrol, shiyou => petroleum
oil, oils, neft => oil
gas, gaz => gas
petrochemical, petrochemicals, neftekhim => petrochemical
center, centre, centro, tsentr, zhongxin => center
factory, factories, plant, plants, works, zavod, zavody, kombinat, fabrika, gongchang => factory
office, offices => office
bureau, byuro => bureau
department, dept, departamento => department
agency, agentstvo => agency
administration, administratsiya => administration
association, assoc, union, society, federation, obedinenie, obyedinenie, soyuz => association
foundation, fund, fond, jijinhui => foundation
organization, organisation, organizatsiya => organization
enterprise, enterprises, ent, predpriyatie, qiye => enterprise
security, securities, anfang, bezopasnost => security
defense, defence, oborona, guofang => defense
aerospace, space, hangtian, kosmicheskaya, kosmicheskie, kosmicheskiy, kosmicheskii => aerospace
aviation, aircraft, aero, hangkong, aviatsionnyi, aviatsionnaya => aviation
optics, optical, optic, optoelectronics, optoelectronic, optoelectrical, photonics,
photoelectric, guangdian, guangxue, optika => optics
vision, visual, video, imaging, image, shipin => vision
intelligent, intelligence, smart, zhineng => intelligent
semiconductor, semiconductors, bandaoti => semiconductor
computer, computers, computing, jisuanji => computer
sensing, sensor, sensors, chuangan => sensing
instruments, instrument, yiqi => instruments
supply, supplies, supplier => supply
mining, mines, kuangye => mining
metal, metals, metallurgical, yejin => metal
agriculture, agricultural, nongye => agriculture
pharmaceutical, pharmaceuticals, pharma, yiyao => pharmaceutical
consulting, consultancy, consultants, advisory, konsalting, konsaltingovaya => consulting
marketing, pazarlama => marketing
partners, partnership, associates => partners
branch, fen gongsi, filial => branch
national, natsionalnyi => national
state, gosudarstvennyi, gosudarstvennaya, gosudarstvennoe => state
federal, federalnyi, federalnoe, federalnaya => federal
public, publichnyi => public
advanced, advance => advanced
united, unified => united
new, modern, novyi, novaya => new
premier, prime => premier
great, grand => great
golden, gold => gold
best, top, super, supreme => best
universal, standard, central, special, applied, integrated, general purpose => universal
innovative, innovation, innovations, innovatsii, innovatsionnyi, creative => innovation
dynamic, dynamics => dynamic
future, frontier => future
islamic, islami, islamiya, islamiyah => islamic
arab, arabian, arabic => arab
republic, republican => republic
democratic => democratic
people, peoples, popular => people
front, movement, army, brigade, brigades, battalion, forces, force, military, corps => movement
committee, council, party, commission => committee
textile, textiles, tekstil => textile
packing, packaging, package => packing
foreign, dis, overseas, inostrannoye, inostrannoe, inostrannoi, inostrannoy => foreign
okb, skb, kb, konstruktorskoe byuro => bureau
npo, npp, npk, nptc, npts, ntc, ntts, nic, nii, tsnii, td, spo,
nauchno proizvodstvennoe obedinenie, nauchno proizvodstvennoe predpriyatie, torgovyi dom,
torgovy dom => research manufacturing
""")

# Function words and name particles (weighted very low, never used to find candidates).
STOPWORDS = _words("""
of, the, and, for, to, at, on, in, by, with, an, de, del, della, dei, la, le, les, lo, los, las,
du, des, da, do, dos, das, di, y, et, und, ve, van, von, der, den, het, al, el, bin, ibn, bint,
binti, ould, wa, va, e, li, lil, im, imeni, named after, na, pri,
aka, fka, nka, also known as, formerly known as
""")

# Titles and honorifics of persons (weighted low for persons, like trade words for parties).
TITLES = _words("""
mr, mrs, ms, miss, dr, prof, professor, sir, dame, sheikh, shaykh, sheik, shaikh, shaikhah,
sheikha, hafiz, hajj, alhaj, alhaji, haji, hajji, hadji,
mullah, mulla, maulana, maulvi, mawlawi, mawlavi, qari, mufti, imam, sayyid, sayed, syed, engineer,
gen, lieutenant, lt, colonel, col, major, maj, captain, capt, admiral, commander,
brigadier, marshal
""")

# Vessel and aircraft name prefixes.
PREFIXES = _words("mv, m v, mt, m t, ss, s s, fv, tss, mts, rv")

# Places that recur as name prefixes (countries, demonyms, regions, cities): weighted low.
# Synonyms map to one spelling; every other place keeps its own.
PLACE_SYNONYMS: Mapping[str, tuple[str, ...]] = _pairs("""
china, chinese, prc, zhongguo, zhonghua, peoples republic of china, zhonghua
renmin gongheguo => china
hong kong, hongkong, xianggang => hongkong
macau, macao, aomen => macau
russia, russian, russian federation, rossiya, rossiiskaya, rossiyskaya, rossiiskii => russia
iran, iranian, islamic republic of iran, persia, persian => iran
north korea, dprk, korea, korean, south korea => korea
syria, syrian, syrian arab republic => syria
iraq, iraqi => iraq
belarus, belarusian, byelorussia => belarus
ukraine, ukrainian => ukraine
crimea, crimean => crimea
turkey, turkish, turkiye => turkey
afghanistan, afghan => afghanistan
myanmar, burma, burmese => myanmar
united arab emirates, uae, emirates, emirati => uae
saudi arabia, saudi => saudi
united kingdom, uk, britain, british, great britain => uk
united states, usa, america, american => usa
europe, european => europe
asia, asian => asia
beijing, peking => beijing
xian, xi an => xian
inner mongolia, nei mongol, neimenggu => inner mongolia
tibet, xizang => tibet
moscow, moskva, moskovskii, moskovskiy => moscow
saint petersburg, st petersburg, sankt peterburg, petersburg, leningrad => st petersburg
isfahan, esfahan => isfahan
abu dhabi => abu dhabi
ras al khaimah => ras al khaimah
jebel ali => jebel ali
nizhny novgorod => nizhny novgorod
bandar abbas => bandar abbas
asia pacific => asia pacific
middle east => middle east
far east => far east
latin america => latin america
new york => new york
""")
PLACES = _words("""
taiwan, cuba, cuban, venezuela, venezuelan, pakistan, pakistani, lebanon, lebanese, yemen,
yemeni, libya, libyan, sudan, sudanese, india, indian, singapore, malaysia, armenia, georgia,
kazakhstan, uzbekistan, kyrgyzstan, qatar, oman, bahrain, kuwait, jordan, egypt, germany, german,
france, french, italy, spain, netherlands, england, london, pacific, africa, african, eurasia,
eurasian, shanghai, tianjin, chongqing, hangzhou, zhejiang, ningbo, wenzhou, shenzhen,
guangzhou, guangdong, dongguan, foshan, zhuhai, shantou, nanjing, suzhou, wuxi, jiangsu, changzhou,
chengdu, sichuan, mianyang, wuhan, hubei, shaanxi, changsha, hunan, hefei, anhui, jinan, qingdao,
shandong, yantai, harbin, heilongjiang, changchun, jilin, shenyang, dalian, liaoning, xiamen,
fuzhou, fujian, zhengzhou, henan, luoyang, shijiazhuang, hebei, taiyuan, shanxi, kunming, yunnan,
guiyang, guizhou, nanning, guangxi, nanchang, jiangxi, lanzhou, gansu, urumqi, xinjiang, hohhot,
haikou, hainan, sanya, lhasa, dubai, sharjah, ajman, fujairah, novosibirsk, yekaterinburg,
ekaterinburg, kazan, samara, rostov, tula, perm, tehran, shiraz, mashhad, tabriz, kish, damascus,
aleppo, baghdad, beirut, kabul, karachi, lahore, islamabad, pyongyang, minsk, havana, caracas,
istanbul, ankara
""")

# Chinese words read before transliteration so a run of Han characters splits into words:
# company forms, trades and places, each with its Hanyu Pinyin (which the lists above know).
CJK_WORDS: Mapping[str, str] = {
    han: latin
    for line in """
股份有限公司 gufen youxian gongsi|有限责任公司 youxian zeren gongsi|有限公司 youxian gongsi
总公司 zong gongsi|分公司 fen gongsi|公司 gongsi|集团 jituan|股份 gufen|有限 youxian|控股 konggu
科技 keji|技术 jishu|数字 shuzi|微电子 weidianzi|电子 dianzi|电器 dianqi|研究所 yanjiusuo
研究院 yanjiuyuan|科学院 kexueyuan|国际 guoji|贸易 maoyi|进出口 jinchukou|工业 gongye|实业 shiye
信息 xinxi|通信 tongxin|电信 dianxin|网络 wangluo|软件 ruanjian|系统 xitong|智能 zhineng
光电 guangdian|光学 guangxue|发展 fazhan|投资 touzi|工程 gongcheng|制造 zhizao|设备 shebei
半导体 bandaoti|航天 hangtian|航空 hangkong|船舶 chuanbo|物流 wuliu|大学 daxue|中心 zhongxin
安防 anfang|视频 shipin|仪器 yiqi|材料 cailiao|能源 nengyuan|化工 huagong|银行 yinhang
中华人民共和国 zhonghua renmin gongheguo|中国 zhongguo|中华 zhonghua|香港 hong kong|澳门 macau
台湾 taiwan|北京 beijing|上海 shanghai|天津 tianjin|重庆 chongqing|杭州 hangzhou|浙江 zhejiang
深圳 shenzhen|广州 guangzhou|广东 guangdong|南京 nanjing|苏州 suzhou|江苏 jiangsu|成都 chengdu
四川 sichuan|武汉 wuhan|湖北 hubei|西安 xian|陕西 shaanxi|长沙 changsha|湖南 hunan|合肥 hefei
安徽 anhui|济南 jinan|青岛 qingdao|山东 shandong|哈尔滨 harbin|长春 changchun|沈阳 shenyang
大连 dalian|厦门 xiamen|福建 fujian|郑州 zhengzhou|河南 henan|河北 hebei|山西 shanxi
云南 yunnan|贵州 guizhou|广西 guangxi|江西 jiangxi|新疆 xinjiang|内蒙古 neimenggu|西藏 xizang
海南 hainan|宁波 ningbo|无锡 wuxi|东莞 dongguan|珠海 zhuhai|绵阳 mianyang|洛阳 luoyang
""".replace("\n", "|").split("|")
    if line.strip()
    for han, latin in [line.strip().split(" ", 1)]
}
